package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --security}: Kafka's protocol names in any case; anything else is refused naming the choices. */
class SecurityModeTest {

  @Test
  void parsesKafkaProtocolNames() {
    Object[][] table = {
        {null, SecurityMode.PLAINTEXT},
        {"", SecurityMode.PLAINTEXT},
        {"plaintext", SecurityMode.PLAINTEXT},
        {"PLAINTEXT", SecurityMode.PLAINTEXT},
        {"sasl_ssl", SecurityMode.SASL_SSL},
        {" SASL_SSL ", SecurityMode.SASL_SSL},
    };
    for (Object[] row : table) {
      assertEquals(row[1], SecurityMode.parse((String) row[0]), "--security " + row[0]);
    }
  }

  @Test
  void refusesOtherModesNamingTheChoices() {
    for (String bad : new String[] {"ssl", "sasl_plaintext", "tls"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecurityMode.parse(bad));
      assertTrue(e.getMessage().contains("--security " + bad) && e.getMessage().contains("plaintext, sasl_ssl"),
          e.getMessage());
    }
  }
}
