package dev.recsys.generator.triton;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelErrorsTest {

  @Test
  void pythonTraceback_isSummarisedByItsExceptionLine() {
    String traceback = "model error: Traceback (most recent call last):\n"
        + "  File \"/a/very/long/path/pytriton/proxy/inference.py\", line 393, in _handle_requests\n"
        + "    async for responses in self._model_callable(requests):\n"
        + "  File \"/srv/recsys_triton_server.py\", line 65, in <listcomp>\n"
        + "    yield [one(r) for r in requests]\n"
        + "           ^^^^^^\n"
        + "ValueError: unknown lora_name 'other--r1'; this model serves ['rel--r1']\n";

    assertThat(ModelErrors.summary(traceback))
        .startsWith("model error: ValueError: unknown lora_name 'other--r1'; this model serves ['rel--r1']")
        .endsWith("(the whole Python traceback is in the model server's log)")
        .doesNotContain("inference.py");
  }

  @Test
  void otherErrors_areLeftAsTheyAre() {
    assertThat(ModelErrors.summary("Request for unknown model: 'x' is not found"))
        .isEqualTo("Request for unknown model: 'x' is not found");
    assertThat(ModelErrors.summary(null)).isEqualTo("(no message)");
  }
}
