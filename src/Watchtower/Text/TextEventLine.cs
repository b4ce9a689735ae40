namespace Watchtower.Text;

/// <summary>
/// Writes a log event as the text line every Watchtower adapter ships in its text format, the MEL provider's shape:
/// <c>2026-12-01T09:00:00.000Z Information Orders.Api: Order 42 placed | System.InvalidOperationException: …</c>
/// (UTC timestamp with milliseconds, the level as the framework names it, the logger name, the message, and the
/// exception as <see cref="ExceptionText"/> describes it). Line breaks in the message and the exception are written
/// as <c>\n</c>, so that one event is one line wherever it is read. One instance per thread
/// (<see cref="ForCurrentThread"/>): the line is valid until the thread's next call, and writing it allocates only
/// the exception's description.
/// </summary>
public sealed class TextEventLine
{
    // A line grown by one huge event is not kept for the thread's life.
    private const int KeptCapacity = 64 * 1024;

    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static TextEventLine? t_line;

    private char[] _chars = new char[512];
    private int _length;

    private TextEventLine()
    {
    }

    /// <summary>The calling thread's writer.</summary>
    public static TextEventLine ForCurrentThread() => t_line ??= new TextEventLine();

    /// <summary>Writes the line.</summary>
    /// <param name="timestamp">When the event happened.</param>
    /// <param name="level">The level, as the framework names it.</param>
    /// <param name="category">The logger name.</param>
    /// <param name="message">The rendered message.</param>
    /// <param name="exception">The exception, if any.</param>
    /// <returns>The line, valid until this thread's next call.</returns>
    public ReadOnlySpan<char> Write(DateTimeOffset timestamp, string level, string category, scoped ReadOnlySpan<char> message, Exception? exception)
    {
        // Described first: an exception's members may log, and a nested call on this thread would reuse the buffer.
        string? described = exception is null ? null : ExceptionText.Describe(exception);
        if (_chars.Length > KeptCapacity)
        {
            _chars = new char[512];
        }

        _length = 0;
        IsoTimestamp.Write(Room(IsoTimestamp.Length), timestamp.UtcDateTime);
        _length += IsoTimestamp.Length;
        Append(" ");
        Append(level);
        Append(" ");
        Append(category);
        Append(": ");
        AppendOneLine(message);
        if (described is not null)
        {
            Append(" | ");
            AppendOneLine(described);
        }

        return _chars.AsSpan(0, _length);
    }

    private void Append(scoped ReadOnlySpan<char> text)
    {
        text.CopyTo(Room(text.Length));
        _length += text.Length;
    }

    private void AppendOneLine(scoped ReadOnlySpan<char> text)
    {
        while (true)
        {
            int breakAt = text.IndexOfAny('\r', '\n');
            if (breakAt < 0)
            {
                Append(text);
                return;
            }

            Append(text[..breakAt]);
            if (text[breakAt] == '\n')
            {
                Append("\\n");
            }

            text = text[(breakAt + 1)..];
        }
    }

    private Span<char> Room(int needed)
    {
        if (_chars.Length - _length < needed)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + needed));
        }

        return _chars.AsSpan(_length);
    }
}
