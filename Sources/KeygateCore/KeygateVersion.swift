/// keygate's version, as reports and `--version` show it.
public enum KeygateVersion {
  public static let current = "0.1.0"
}
