package apex.data.ingest;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.contracts.browser.ServerFrames.UploadProgress;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Tells the uploading user's sockets how far an upload is: publishes an {@code upload_progress}
 * frame to every ws-bridge node (which delivers it to that user's sockets only) at the start, at most
 * every {@link #INTERVAL_MS} while something changed, and once at the end. All on the event loop.
 */
final class ProgressReporter {

  static final long INTERVAL_MS = 250;

  private final Vertx vertx;
  private final UploadIngest ingest;
  private final String uploadRef;
  private final long sizeBytes;
  private final DeliveryOptions toUser;
  private UploadProgress last;
  private long timer = -1;

  ProgressReporter(Vertx vertx, UploadIngest ingest, String userId, String uploadRef, long sizeBytes) {
    this.vertx = vertx;
    this.ingest = ingest;
    this.uploadRef = uploadRef;
    this.sizeBytes = sizeBytes;
    this.toUser = new DeliveryOptions().addHeader(BusHeaders.USER_ID, userId);
  }

  void start() {
    publish(now());
    timer = vertx.setPeriodic(INTERVAL_MS, t -> {
      UploadProgress current = now();
      if (!current.equals(last)) {
        publish(current);
      }
    });
  }

  /** The last frame: {@code rows} stored (0 when nothing was). */
  void done(long rows) {
    vertx.cancelTimer(timer);
    publish(new UploadProgress(uploadRef, UploadProgress.DONE, rows, 100.0));
  }

  private UploadProgress now() {
    if (ingest.parsing()) {
      Double percent = sizeBytes > 0 ? percent(ingest.bytesRead(), sizeBytes) : null;
      return new UploadProgress(uploadRef, UploadProgress.PARSING, ingest.rowsParsed(), percent);
    }
    long parsed = ingest.rowsParsed();
    return new UploadProgress(uploadRef, UploadProgress.STORING, ingest.rowsStored(),
        parsed == 0 ? 100.0 : percent(ingest.rowsStored(), parsed));
  }

  /** One decimal, never above 100 (a multipart form is a little larger than its file). */
  private static double percent(long part, long whole) {
    return Math.min(100.0, Math.round(part * 1000.0 / whole) / 10.0);
  }

  private void publish(UploadProgress frame) {
    last = frame;
    vertx.eventBus().publish(Addresses.UPLOAD_PROGRESS, frame.toJson(), toUser);
  }
}
