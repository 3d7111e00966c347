package apex.runtime.security;

import apex.runtime.config.ApexConfig;
import io.vertx.ext.auth.PubSecKeyOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The JWT key of the mesh: HS256 with {@code auth.jwt_secret}, or ES256 with PEM files. Only the
 * configured algorithm's key is loaded, which pins verification to it. The fingerprint (never the
 * key) is logged and published so nodes with different keys can be spotted.
 */
public final class JwtKeys {
  private JwtKeys() {}

  public static String algorithm(ApexConfig config) {
    return config.string("auth.jwt_algorithm");
  }

  public static List<PubSecKeyOptions> keys(ApexConfig config) {
    List<PubSecKeyOptions> keys = new ArrayList<>();
    if ("ES256".equals(algorithm(config))) {
      keys.add(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(read(config.string("auth.jwt_public_key_file"))));
      if (!config.string("auth.jwt_private_key_file").isBlank()) {
        keys.add(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(read(config.string("auth.jwt_private_key_file"))));
      }
    } else {
      keys.add(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.string("auth.jwt_secret")));
    }
    return keys;
  }

  /** {@code sha256:<16 hex>} of the algorithm and the verifying key material. */
  public static String fingerprint(ApexConfig config) {
    String material = "ES256".equals(algorithm(config))
        ? "ES256:" + read(config.string("auth.jwt_public_key_file")).strip()
        : "HS256:" + config.string("auth.jwt_secret");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + file, e);
    }
  }
}
