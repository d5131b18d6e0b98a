package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FieldPathTest {

    @Test
    void parsesNamesAndIndexes() {
        FieldPath p = FieldPath.parse("a.b[2][10].c");
        assertThat(p.depth()).isEqualTo(5);
        assertThat(p.name(0)).isEqualTo("a");
        assertThat(p.name(1)).isEqualTo("b");
        assertThat(p.isIndex(2)).isTrue();
        assertThat(p.index(2)).isEqualTo(2);
        assertThat(p.index(3)).isEqualTo(10);
        assertThat(p.name(4)).isEqualTo("c");
        assertThat(p).isEqualTo(FieldPath.parse("a.b[2][10].c")).hasToString("a.b[2][10].c");
    }

    @Test
    void rejectsMalformedPathsNamingThePosition() {
        for (String bad : new String[] {"", ".a", "a.", "a..b", "a[", "a[x]", "a[-1]", "a[+1]", "a]", "a[1]b", "[0]"}) {
            assertThatThrownBy(() -> FieldPath.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("field path");
        }
    }
}
