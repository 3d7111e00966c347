package apex.contracts.usage;

import apex.contracts.Contract;

/**
 * ws-bridge → data: opens the session for one uploaded usage file, whose bytes follow in chunks
 * ({@link UploadSession}). {@code filename}, {@code contentType} and {@code uploadRef} may be null;
 * {@code sizeBytes} is the expected size, 0 when unknown, and only scales the progress percent.
 */
public record UsageFile(String userId, String filename, String contentType, String uploadRef, long sizeBytes)
    implements Contract {}
