package dev.recsys.serving.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class RequestExceptionTest {
  @Test
  void shortPrintableValuesAreQuotedAsTheyAre() {
    assertThat(RequestException.quote("acme")).isEqualTo("'acme'");
  }

  @Test
  void longValuesAreCutAndSayHowLongTheyWere_controlCharactersEscaped() {
    String quoted = RequestException.quote("a".repeat(100_000));
    assertThat(quoted).startsWith("'aaaa").endsWith("…' (100000 characters)");
    assertThat(quoted.length()).isLessThan(RequestException.MAX_QUOTED + 30);
    assertThat(RequestException.quote("a\u0000b\nc")).isEqualTo("'a\\u0000b\\u000ac'");
    // a surrogate pair at the cut is kept whole or left out, never halved
    String emoji = "x".repeat(RequestException.MAX_QUOTED - 1) + "\uD83D\uDE00" + "tail";
    assertThat(RequestException.quote(emoji)).doesNotContain("\uD83D'").contains("…' (");
  }

  @Test
  void messagesStayWithinWhatATrailerCarries() {
    RequestException e = RequestException.invalid("history", "x".repeat(50_000));
    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(RequestException.MAX_MESSAGE).startsWith("history: xxx")
        .endsWith("(message cut)");
  }
}
