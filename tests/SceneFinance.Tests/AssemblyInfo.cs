// The tests start PostgreSQL as the postgres OS user and drive Debian's Chromium: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
