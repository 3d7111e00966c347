package apex.data.ingest;

import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The bytes of an upload as they arrive over the bus, read by the parser on a worker thread. The
 * event loop {@link #offer}s chunks; the parser blocks until one is there. A chunk's {@code taken}
 * callback runs when the parser starts on it, which is when the sender may send the next one: so at
 * most about two chunks of an upload are in memory. {@link #end} and {@link #abort} make the parser
 * see the end of the file.
 */
final class ChunkedInput extends InputStream {

  private record Chunk(byte[] bytes, Runnable taken) {}

  private static final Chunk END = new Chunk(new byte[0], () -> { });

  private final BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int position;
  private boolean ended;

  /** From the event loop. */
  void offer(byte[] bytes, Runnable taken) {
    chunks.add(new Chunk(bytes, taken));
  }

  /** From the event loop: no more chunks. */
  void end() {
    chunks.add(END);
  }

  /** From the event loop: drops what is queued (still answering it); the parser sees the end of the file. */
  void abort() {
    for (Chunk chunk = chunks.poll(); chunk != null; chunk = chunks.poll()) {
      chunk.taken().run();
    }
    chunks.add(END);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    while (position == current.length) {
      if (ended || !next()) {
        return -1;
      }
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, into, offset, n);
    position += n;
    return n;
  }

  /** Waits for the next chunk; false at the end. */
  private boolean next() {
    Chunk chunk;
    try {
      chunk = chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      chunk = END;
    }
    if (chunk == END) {
      ended = true;
      return false;
    }
    current = chunk.bytes();
    position = 0;
    chunk.taken().run();
    return true;
  }
}
