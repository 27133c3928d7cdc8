package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.ConfigFile.UnreadableException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  @TempDir
  Path dir;

  @Test
  void readsUtf8Text() throws Exception {
    Path file = Files.writeString(dir.resolve("a.yaml"), "name: ørsted\n", StandardCharsets.UTF_8);
    assertEquals("name: ørsted\n", ConfigFile.readUtf8(file, 100, "a file"));
  }

  @Test
  void refusesLargeFilesInvalidTextAndMissingFiles() throws Exception {
    Path big = Files.writeString(dir.resolve("big.yaml"), "x".repeat(11));
    UnreadableException tooBig = assertThrows(UnreadableException.class, () -> ConfigFile.readUtf8(big, 10, "a job file"));
    assertEquals("the file is 11 bytes; a job file may have at most 10", tooBig.getMessage());
    assertNull(tooBig.getCause());

    Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    UnreadableException notUtf8 = assertThrows(UnreadableException.class, () -> ConfigFile.readUtf8(latin1, 10, "f"));
    assertEquals("the file is not UTF-8 text", notUtf8.getMessage());
    assertInstanceOf(CharacterCodingException.class, notUtf8.getCause());

    UnreadableException missing =
        assertThrows(UnreadableException.class, () -> ConfigFile.readUtf8(dir.resolve("none.yaml"), 10, "f"));
    assertInstanceOf(NoSuchFileException.class, missing.getCause());
    assertTrue(missing.getMessage().startsWith("cannot read the file (NoSuchFileException: "), missing.getMessage());
  }
}
