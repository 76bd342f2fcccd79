package dev.recsys.trainer.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The trainer's progress bars, on standard error. */
final class ProgressBars {
  /**
   * Room for the bar, counter and times after the task name. Without a terminal (a log file, CI)
   * the library assumes 80 columns and cuts the line from the end, so a long name (a mixture's
   * weights) would hide the counter.
   */
  private static final int AFTER_NAME = 72;

  private ProgressBars() {}

  static ProgressBar console(String name, long total) {
    return new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err, Math.max(100, name.length() + AFTER_NAME))).build();
  }
}
