package io.swarmwatch.common;

/** The build's version, from the jar manifest ({@code Implementation-Version}). */
public final class Version {
  private Version() {}

  public static String of(Class<?> anyClassInJar) {
    String v = anyClassInJar.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
