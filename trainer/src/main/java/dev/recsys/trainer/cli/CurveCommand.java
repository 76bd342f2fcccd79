package dev.recsys.trainer.cli;

import dev.recsys.common.artifact.ReleaseLayout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.signal.PopularitySignal;
import dev.recsys.trainer.eval.EvalReport;
import dev.recsys.trainer.eval.Evaluation;
import dev.recsys.trainer.eval.RunServing;
import dev.recsys.trainer.bigrec.Profile;
import dev.recsys.trainer.bigrec.TrainingRun;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "curve", mixinStandardHelpOptions = true,
    description = "BIGRec's few-shot curve: fine-tunes one adapter per sample count on the base of a trained run, "
        + "evaluates each, and writes <run>/curve.json, curve.md and curve.png (NDCG@10 against training samples).")
final class CurveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "dataset folder")
  Path dataset;

  @Option(names = "--run", required = true, description = "run folder written by 'train' (its base is reused)")
  Path run;

  @Option(names = "--samples", split = ",", defaultValue = "64,256,1024",
      description = "sample counts, or 'all' for every training sample (default ${DEFAULT-VALUE})")
  List<String> samples;

  @Option(names = "--profile", defaultValue = "default", description = "quick or default (default ${DEFAULT-VALUE})")
  String profile;

  @Option(names = "--test-samples", defaultValue = "300", description = "test samples per point (default ${DEFAULT-VALUE})")
  int testSamples;

  @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
  long seed;

  private int parseCount(String count) {
    try {
      int n = Integer.parseInt(count.strip());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "--samples: '" + count + "' is neither a positive number nor 'all'");
  }

  @Override
  public Integer call() throws Exception {
    samples.stream().filter(c -> !c.equalsIgnoreCase("all")).forEach(this::parseCount); // before any work
    Profile p = Profile.named(profile);
    Dataset d = DatasetFiles.read(dataset);
    List<Sample> train = SplitFiles.read(dataset, "bigrec", "train");
    List<Sample> test = SplitFiles.read(dataset, "bigrec", "test");
    Evaluation.Options options = new Evaluation.Options(0, testSamples, seed, 2, p.maxNewTokens());
    Map<String, ServingPipeline> rows = new LinkedHashMap<>();
    rows.put("popularity", ServingPipeline.sequential(PopularitySignal.NAME));
    rows.put("BIGRec", new ServingPipeline(ServingPipeline.Kind.BIGREC, new ServingPipeline.Generation(1, 4, true, true,
        0), new ServingPipeline.Grounding(100, 0, ServingPipeline.Grounding.NONE, 0)));
    List<Map<String, Object>> points = new ArrayList<>();
    double popularity = Double.NaN;
    int testCount = 0;
    for (String count : samples) {
      int n = count.equalsIgnoreCase("all") ? train.size() : parseCount(count);
      Path adapter = run.resolve("curve").resolve(Integer.toString(n)).resolve(ReleaseLayout.ADAPTER);
      TrainingRun.fineTuneOnly(d, train, p, seed, run, n, adapter, new TrainingRun.Listener() {
        @Override
        public void phase(String name, int totalSteps) { }

        @Override
        public void step(int step, float loss, long tokens) { }
      });
      List<EvalReport.Row> r;
      try (RunServing serving = RunServing.open(d, train, run, adapter, x -> { })) {
        r = new Evaluation(serving, options).measure(rows, test, new Evaluation.Listener() {
          @Override
          public void phase(String name, int total) { }

          @Override
          public void step(int done) { }
        });
      }
      popularity = r.get(0).whole().ndcg().get(10);
      double bigrec = r.get(1).whole().ndcg().get(10);
      testCount = r.get(1).whole().samples();
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("samples", n);
      point.put("ndcg10", bigrec);
      point.put("hr10", r.get(1).whole().hr().get(10));
      points.add(point);
      spec.commandLine().getOut().printf(Locale.ROOT, "%6d samples: BIGRec NDCG@10 %.4f (popularity %.4f)%n", n, bigrec,
          popularity);
      spec.commandLine().getOut().flush();
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(run.resolve("curve.json").toFile(),
        Map.of("testSamples", testCount, "popularityNdcg10", popularity, "points", points));
    StringBuilder md = new StringBuilder("| fine-tuning samples | NDCG@10 | HR@10 |\n|---|---|---|\n");
    points.forEach(pt -> md.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f |%n", pt.get("samples"), pt.get("ndcg10"),
        pt.get("hr10"))));
    md.append(String.format(Locale.ROOT, "| popularity baseline | %.4f | |%n", popularity));
    Files.writeString(run.resolve("curve.md"), md);
    plot(points, popularity, testCount, run.resolve("curve.png"));
    return 0;
  }

  static void plot(List<Map<String, Object>> points, double popularity, int testSamples, Path png) throws Exception {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(720).height(440)
        .title("BIGRec few-shot curve (" + testSamples + " test samples)").xAxisTitle("fine-tuning samples")
        .yAxisTitle("NDCG@10").build();
    double[] xs = points.stream().mapToDouble(pt -> ((Number) pt.get("samples")).doubleValue()).toArray();
    double[] ys = points.stream().mapToDouble(pt -> (Double) pt.get("ndcg10")).toArray();
    chart.addSeries("BIGRec (LLM + L2 grounding)", xs, ys);
    double[] flat = new double[xs.length];
    java.util.Arrays.fill(flat, popularity);
    chart.addSeries("popularity", xs, flat);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisDecimalPattern("0.000");
    chart.getStyler().setYAxisMin(0.0);
    String base = png.toString().replaceAll("\\.png$", "");
    BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
  }
}
