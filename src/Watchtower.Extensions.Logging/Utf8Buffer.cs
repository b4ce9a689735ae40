using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Watchtower.Text;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// A growable UTF-8 buffer that one event's message is written into, reused by its thread so that formatting an
/// event allocates nothing. <see cref="Rent"/> hands the thread's buffer out and <see cref="Return"/> takes it back;
/// a nested call (a value's ToString that logs) gets a fresh one instead of writing over the outer event.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The JSON writer writes into this buffer and holds nothing to release; it is flushed after each event.")]
internal sealed class Utf8Buffer : IBufferWriter<byte>
{
    // A thread keeps a buffer up to this size; one grown larger for a huge event is let go afterwards.
    private const int MaxRetainedSize = 64 * 1024;

    [ThreadStatic]

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static Utf8Buffer? t_cached;

    private byte[] _buffer = new byte[1024];
    private bool _inUse;
    private System.Text.Json.Utf8JsonWriter? _json;

    public int Length { get; private set; }

    /// <summary>What has been written, writable so that the engine can cut an over-long message in place.</summary>
    public Span<byte> Written => _buffer.AsSpan(0, Length);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Utf8Buffer Rent()
    {
        // One thread-static read per event: the buffer marks itself in use, so a nested event gets a fresh one.
        Utf8Buffer buffer = t_cached ??= new Utf8Buffer();
        if (buffer._inUse)
        {
            return new Utf8Buffer();
        }

        buffer._inUse = true;
        buffer.Length = 0;
        return buffer;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Return(Utf8Buffer buffer)
    {
        buffer._inUse = false;
        if (buffer._buffer.Length > MaxRetainedSize)
        {
            // Grown for a huge event: keep a small one instead (only the thread's own buffer is ever marked in use).
            buffer._buffer = new byte[1024];
        }
    }

    /// <summary>A JSON writer that writes into this buffer, made once per buffer and reset for each event.</summary>
    public System.Text.Json.Utf8JsonWriter JsonWriter(System.Text.Json.JsonWriterOptions options)
    {
        if (_json is null)
        {
            _json = new System.Text.Json.Utf8JsonWriter(this, options);
        }
        else
        {
            _json.Reset(this);
        }

        return _json;
    }

    public void Advance(int count) => Length += count;

    /// <summary>Drops what was written from <paramref name="length"/> on.</summary>
    public void Truncate(int length) => Length = length;

    /// <summary>Whether the event being written has opened its "scopes" array yet (a flag for the scope callback, which takes one state).</summary>
    public bool ScopesOpened { get; set; }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> utf8)
    {
        Ensure(utf8.Length);
        utf8.CopyTo(_buffer.AsSpan(Length));
        Length += utf8.Length;
    }

    public void Append(byte b)
    {
        Ensure(1);
        _buffer[Length++] = b;
    }

    /// <summary>Appends text as UTF-8; invalid UTF-16 (a lone surrogate) becomes U+FFFD, as CloudWatch would count it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<char> text)
    {
        // Most text is ASCII: one byte per character, with room for the worst case made only if it is not.
        Ensure(text.Length);
        int ascii = AsciiEncoder.EncodeLeadingAscii(text, _buffer.AsSpan(Length));
        Length += ascii;
        if (ascii == text.Length)
        {
            return;
        }

        ReadOnlySpan<char> rest = text[ascii..];
        Ensure(Encoding.UTF8.GetMaxByteCount(rest.Length));
        Utf8.FromUtf16(rest, _buffer.AsSpan(Length), out _, out int written);
        Length += written;
    }

    /// <summary>Appends text on one line: line breaks become a literal \n and carriage returns are left out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendOneLine(ReadOnlySpan<char> text)
    {
        int start = Length;
        Append(text);
        Span<byte> appended = _buffer.AsSpan(start, Length - start);
        int first = JsonEscaping.IndexOfFirstControl(appended);
        if (first >= 0)
        {
            first = appended[first..].IndexOfAny((byte)'\r', (byte)'\n') is int at and >= 0 ? first + at : -1;
        }

        if (first < 0)
        {
            return;
        }

        // Rare: rewrite the tail from the first break on (each '\n' grows by one byte).
        byte[] tail = appended[first..].ToArray();
        Length = start + first;
        foreach (byte b in tail)
        {
            switch (b)
            {
                case (byte)'\r': break;
                case (byte)'\n': Append("\\n"u8); break;
                default: Append(b); break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
        }
    }
}
