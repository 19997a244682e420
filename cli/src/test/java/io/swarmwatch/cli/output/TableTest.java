package io.swarmwatch.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void columnsAlignOnVisibleWidthEvenWithColours() {
    Style colour = new Style(true);
    Table t = new Table("NAME", "STATUS", "NOTE");
    t.row("web", colour.status("degraded"), "x");
    t.row("a-longer-name", colour.status("ok"), null);
    StringWriter w = new StringWriter();
    t.print(new PrintWriter(w));
    String plain = w.toString().replaceAll("\u001b\\[[0-9;]*m", "");
    assertThat(plain.lines())
        .containsExactly(
            "NAME           STATUS    NOTE",
            "web            degraded  x",
            "a-longer-name  ok        -");
  }

  @Test
  void tooManyCellsIsABug() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Table("A").row("1", "2"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
