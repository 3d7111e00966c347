package apex.node;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment files (deploy/) cannot be run here (no Docker, no Kubernetes): this checks what
 * can be checked. Every YAML parses; the image runs the launcher scripts/apex runs, with its JVM
 * flags; every Deployment has both probes and a PodDisruptionBudget, joins through Kubernetes
 * discovery, and passes arguments the launcher accepts.
 */
class DeploymentFilesTest {
  private static final Path ROOT = root();
  private static final Path DEPLOY = ROOT.resolve("deploy");

  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "no deploy/ above " + Path.of("").toAbsolutePath());
    return dir;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(Path file) {
    List<Map<String, Object>> docs = new ArrayList<>();
    new Yaml().loadAll(read(file)).forEach(doc -> docs.add((Map<String, Object>) doc));
    return docs;
  }

  private static List<Map<String, Object>> manifests() {
    try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
          .flatMap(f -> documents(f).stream()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      assertTrue(current instanceof Map, "no " + key + " in " + node);
      current = ((Map<String, Object>) current).get(key);
    }
    return (T) current;
  }

  /** scripts/apex's jvm_flags=( … ). */
  private static List<String> launcherFlags() {
    Matcher m = Pattern.compile("(?s)\njvm_flags=\\((.*?)\\)").matcher(read(ROOT.resolve("scripts/apex")));
    assertTrue(m.find(), "jvm_flags in scripts/apex");
    return Arrays.stream(m.group(1).trim().split("\\s+")).toList();
  }

  @Test
  void imageRunsTheLaunchersJarWithItsJvmFlagsAsANonRootUser() {
    String dockerfile = read(DEPLOY.resolve("Dockerfile"));
    assertTrue(dockerfile.lines().filter(l -> l.startsWith("FROM ")).count() >= 2, "multi-stage");
    Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
    assertTrue(entry.find(), "an exec-form ENTRYPOINT");
    List<String> expected = new ArrayList<>(List.of("java"));
    expected.addAll(launcherFlags());
    expected.addAll(List.of("-jar", "/app/apex-node.jar", "node"));
    assertEquals(expected, new JsonArray(entry.group(1)).getList());
    assertTrue(dockerfile.contains("COPY --from=build /src/verticles/node/target/apex-node.jar /app/apex-node.jar"),
        "the jar the node module builds (finalName apex-node)");
    assertTrue(read(ROOT.resolve("verticles/node/pom.xml")).contains("<mainClass>" + ApexNode.class.getName() + "</mainClass>"));
    Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
    assertTrue(user.find(), "a USER");
    assertFalse(Set.of("root", "0", "0:0").contains(user.group(1)), user.group(1));
    assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/health"), "a health check on /health");
  }

  @Test
  void everyDeploymentHasProbesAPodDisruptionBudgetAndKubernetesDiscovery() {
    List<Map<String, Object>> all = manifests();
    List<Map<String, Object>> deployments = all.stream().filter(d -> "Deployment".equals(d.get("kind"))).toList();
    assertEquals(Set.of("edge", "supervisor", "triage", "data", "optimizer", "report"), deployments.stream()
        .map(d -> DeploymentFilesTest.<String>at(d, "metadata", "name").replace("apex-", "")).collect(Collectors.toSet()));
    Map<String, Object> config = all.stream().filter(d -> "ConfigMap".equals(d.get("kind"))).findFirst().orElseThrow();
    assertEquals("true", at(config, "data", "APEX_CLUSTER_KUBERNETES_ENABLED"));
    String service = at(config, "data", "APEX_CLUSTER_KUBERNETES_SERVICE_NAME");
    assertTrue(all.stream().anyMatch(d -> "Service".equals(d.get("kind")) && service.equals(at(d, "metadata", "name"))
        && "None".equals(at(d, "spec", "clusterIP"))), "a headless service " + service);
    Set<String> secrets = all.stream().filter(d -> "Secret".equals(d.get("kind")))
        .map(d -> DeploymentFilesTest.<String>at(d, "metadata", "name")).collect(Collectors.toSet());

    for (Map<String, Object> deployment : deployments) {
      String name = at(deployment, "metadata", "name");
      Map<String, Object> labels = at(deployment, "spec", "template", "metadata", "labels");
      assertEquals(at(deployment, "spec", "selector", "matchLabels"), labels, name);
      assertTrue(all.stream().anyMatch(d -> "PodDisruptionBudget".equals(d.get("kind"))
          && labels.equals(at(d, "spec", "selector", "matchLabels"))), name + " has a PodDisruptionBudget");
      List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
      for (Map<String, Object> container : containers) {
        assertEquals(null, container.get("command"), name + " keeps the image's entrypoint (the launcher)");
        List<String> args = at(container, "args");
        CommandLine.ParseResult parsed = ApexNode.commandLine().parseArgs(
            Stream.concat(Stream.of("node"), args.stream()).toArray(String[]::new));
        assertTrue(parsed.subcommand().hasMatchedOption("--cluster"), name + " is clustered");
        Role.parse(parsed.subcommand().matchedOptionValue("--verticles", "all"));
        String ready = at(container, "readinessProbe", "httpGet", "path");
        String live = at(container, "livenessProbe", "httpGet", "path");
        assertEquals("/health", live, name);
        boolean edge = args.stream().anyMatch(a -> a.contains("ws-bridge"));
        assertEquals(edge ? "/ready" : "/health", ready, name + ": /ready is served by ws-bridge");
        List<Map<String, Object>> from = at(container, "envFrom");
        from.stream().filter(f -> f.containsKey("secretRef")).forEach(f ->
            assertTrue(secrets.contains(at(f, "secretRef", "name")), name + " uses a secret that exists"));
      }
    }
  }

  @Test
  void composeFileHasTheDatabasesAndAClusterOfNodesWithHealthChecks() {
    Map<String, Object> compose = documents(DEPLOY.resolve("compose.yaml")).get(0);
    Map<String, Object> services = at(compose, "services");
    assertTrue(services.keySet().containsAll(List.of("postgres", "redis", "edge", "supervisor-1", "supervisor-2", "stages")),
        services.keySet().toString());
    services.forEach((name, service) -> {
      assertNotNull(at(service, "healthcheck"), name + " has a health check");
      // Apex's nodes are built from the Dockerfile, and their command is the launcher's `node` arguments.
      if (at(service, "build") != null) {
        List<String> args = at(service, "command");
        ApexNode.commandLine().parseArgs(Stream.concat(Stream.of("node"), args.stream()).toArray(String[]::new));
        assertEquals("deploy/Dockerfile", at(service, "build", "dockerfile"), name);
      }
    });
  }
}
