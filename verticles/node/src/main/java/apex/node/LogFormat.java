package apex.node;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;

/**
 * Switches the node's logs to the configured {@code log.format}. logback.xml picks its appender from
 * {@code APEX_LOG_FORMAT} when it first loads; a format that comes from elsewhere (the prod profile's
 * {@code json}, {@code --set log.format=…}) reloads it with that choice.
 */
final class LogFormat {
  private LogFormat() {}

  static void apply(String format) {
    if (format.equals(System.getenv().getOrDefault("APEX_LOG_FORMAT", "text"))
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    URL config = LogFormat.class.getClassLoader().getResource("logback.xml");
    context.reset();
    context.putProperty("APEX_LOG_FORMAT", format);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      System.err.println("apex: logs stay in the default format: " + e.getMessage());
    }
  }
}
