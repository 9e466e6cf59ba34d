package dev.snooze.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The two streamed answers, line by line, and the two model lists. */
class SmokeApiTest {
  @Test
  void readsOllamasJsonLines() throws Exception {
    assertThat(Api.OLLAMA.chunk("{\"model\":\"m\",\"response\":\"Hi\",\"done\":false}")).isEqualTo(new Api.Chunk("Hi", false));
    assertThat(Api.OLLAMA.chunk("{\"model\":\"m\",\"response\":\"\",\"done\":true,\"eval_count\":3}"))
        .isEqualTo(new Api.Chunk("", true));
    assertThat(Api.OLLAMA.chunk("")).isNull();
    assertThatThrownBy(() -> Api.OLLAMA.chunk("{\"error\":\"model 'x' not found\"}"))
        .hasMessage("the backend answered an error: model 'x' not found");
    assertThatThrownBy(() -> Api.OLLAMA.chunk("<html>")).hasMessage("not JSON: <html>");
  }

  @Test
  void readsOpenAisServerSentEvents() throws Exception {
    assertThat(Api.OPENAI.chunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}"))
        .isEqualTo(new Api.Chunk("", false));
    assertThat(Api.OPENAI.chunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"))
        .isEqualTo(new Api.Chunk("Hi", false));
    assertThat(Api.OPENAI.chunk("data:[DONE]")).isEqualTo(new Api.Chunk("", true));
    assertThat(Api.OPENAI.chunk(": keep-alive")).isNull();
    assertThat(Api.OPENAI.chunk("event: message")).isNull();
    assertThatThrownBy(() -> Api.OPENAI.chunk("data: {\"error\":{\"message\":\"overloaded\",\"type\":\"x\"}}"))
        .hasMessage("the backend answered an error: overloaded");
  }

  @Test
  void listsTheModels() throws Exception {
    assertThat(Api.OLLAMA.models("{\"models\":[{\"name\":\"llama3.2:latest\"},{\"name\":\"qwen:1b\"}]}"))
        .containsExactly("llama3.2:latest", "qwen:1b");
    assertThat(Api.OPENAI.models("{\"object\":\"list\",\"data\":[{\"id\":\"meta/llama\"}]}")).containsExactly("meta/llama");
    assertThatThrownBy(() -> Api.OPENAI.models("{\"models\":[]}")).hasMessageStartingWith("no data list in");
  }

  @Test
  void asksForAStreamedAnswer() {
    assertThat(Api.OLLAMA.promptBody("m", "Hi?")).isEqualTo("{\"model\":\"m\",\"stream\":true,\"prompt\":\"Hi?\"}");
    assertThat(Api.OPENAI.promptBody("m", "Hi?"))
        .isEqualTo("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi?\"}]}");
  }
}
