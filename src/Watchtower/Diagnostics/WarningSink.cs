namespace Watchtower.Diagnostics;

/// <summary>
/// The library's own warnings, written to stderr (never into the logging pipeline it serves), at most once a
/// minute per kind of warning, with a count of how many of that kind were held back meanwhile; and, unthrottled,
/// to the "Watchtower" EventSource.
/// </summary>
internal sealed class WarningSink
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Action<string> _write;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly Dictionary<WarningKind, (DateTimeOffset LastWritten, int Suppressed)> _byKind = [];

    /// <param name="write">Where a warning line goes.</param>
    /// <param name="timeProvider">The clock of the rate limit.</param>
    /// <param name="interval">How long a kind stays quiet after a warning; <see cref="Interval"/> unless a test wants every one.</param>
    public WarningSink(Action<string> write, TimeProvider timeProvider, TimeSpan? interval = null)
    {
        _write = write;
        _timeProvider = timeProvider;
        _interval = interval ?? Interval;
    }

    public static WarningSink StandardError(TimeProvider timeProvider) => new(WriteToStandardError, timeProvider);

    /// <summary>Writes the warning unless one of the same kind was written less than a minute ago.</summary>
    /// <returns>True when it was written.</returns>
    public bool Warn(WarningKind kind, string message)
    {
        if (WatchtowerEventSource.Log.IsEnabled())
        {
            // Listeners get every warning; only stderr is rate-limited.
            WatchtowerEventSource.Log.Warning(kind, message);
        }

        string line;
        lock (_byKind)
        {
            DateTimeOffset now = _timeProvider.GetUtcNow();
            if (_byKind.TryGetValue(kind, out var state) && now - state.LastWritten < _interval)
            {
                _byKind[kind] = (state.LastWritten, state.Suppressed + 1);
                return false;
            }

            int suppressed = state.Suppressed;
            _byKind[kind] = (now, 0);
            line = suppressed > 0
                ? $"Watchtower: {message} ({suppressed} similar warnings were suppressed in the last minute)"
                : $"Watchtower: {message}";
        }

        try
        {
            _write(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // stderr closed: there is nowhere left to report to, and the application must not suffer for it.
        }

        return true;
    }

    private static void WriteToStandardError(string line) => Console.Error.WriteLine(line);
}
