package io.tributary.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a configuration file as strict UTF-8 text of bounded size, with the reason when it cannot be. */
public final class ConfigFile {
  private ConfigFile() {}

  /** Why a file could not be read, in the words an error line shows; the cause is the I/O error, if any. */
  public static final class UnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message, IOException cause) {
      super(message, cause);
    }
  }

  /**
   * The text of {@code file}.
   *
   * @param maxBytes the largest file read, in bytes (a configuration file is a few dozen lines)
   * @param noun what the file is, for the size message ("a pipeline file")
   */
  public static String readUtf8(Path file, long maxBytes, String noun) throws UnreadableException {
    try {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new UnreadableException("the file is " + size + " bytes; " + noun + " may have at most " + maxBytes, null);
      }
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UnreadableException("the file is not UTF-8 text", e);
    } catch (IOException e) {
      throw new UnreadableException(
          "cannot read the file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
  }
}
