package apex.contracts;

/** A message that does not fit its contract. */
public class ContractException extends RuntimeException {
  public ContractException(String message) {
    super(message);
  }
}
