namespace Watchtower.Extensions.Logging;

/// <summary>Where the adapter's own warnings go: stderr, never the logging pipeline it is part of.</summary>
internal static class StandardError
{
    public static void WriteLine(string line)
    {
        try
        {
            Console.Error.WriteLine(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // stderr closed: nowhere left to report to, and the application must not suffer for it.
        }
    }
}
