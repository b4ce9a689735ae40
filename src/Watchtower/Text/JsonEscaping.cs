using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Watchtower.Text;

/// <summary>
/// JSON string escaping over UTF-8, as the engine writes request bodies: find the first byte a JSON string must
/// escape (a control character, a quote, a backslash), measure the escaped length, and write the escaped text, all
/// vectorised by hand (32 bytes at a time where the CPU can), fully optimised from the first call. For adapters that
/// write their events as JSON straight into UTF-8: text beyond ASCII stays as its UTF-8 bytes, never a \u escape.
/// </summary>
public static class JsonEscaping
{
    /// <summary>The bytes <paramref name="utf8"/> takes once escaped as the content of a JSON string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int EscapedLength(ReadOnlySpan<byte> utf8) => EscapedLength(utf8, IndexOfFirstToEscape(utf8));

    /// <summary>As <see cref="EscapedLength(ReadOnlySpan{byte})"/>, given where the first byte to escape is (-1 for none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int EscapedLength(ReadOnlySpan<byte> utf8, int first)
    {
        if (first < 0)
        {
            return utf8.Length;
        }

        // Each quote, backslash, \b \t \n \f \r takes one byte more; any other control character five more (\u00XX).
        ref byte start = ref MemoryMarshal.GetReference(utf8);
        int length = utf8.Length;
        int i = first;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= utf8.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                Vector256<byte> control = ControlCharacter.Find(v);
                Vector256<byte> any = NeedsEscape.Find(v);
                Vector256<byte> shortForm = Vector256.LessThan(v - Vector256.Create((byte)8), Vector256.Create((byte)6)) & ~Vector256.Equals(v, Vector256.Create((byte)11));
                length += BitOperations.PopCount(any.ExtractMostSignificantBits()) + (4 * BitOperations.PopCount((control & ~shortForm).ExtractMostSignificantBits()));
            }
        }

        for (; i < utf8.Length; i++)
        {
            length += EscapeWidth(Unsafe.Add(ref start, i)) - 1;
        }

        return length;
    }

    /// <summary>How many bytes one byte takes once escaped in a JSON string.</summary>
    private static int EscapeWidth(byte b) => b switch
    {
        (byte)'"' or (byte)'\\' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\b' or (byte)'\f' => 2,
        < 0x20 => 6,
        _ => 1,
    };

    /// <summary>
    /// Copies UTF-8 text into a JSON string's content, escaping what JSON requires and nothing else. Text with many
    /// quotes (a JSON-formatted message) is the common case here, so it works a vector at a time: a block with nothing
    /// to escape is stored whole, and one with an escape is stored whole too, then overwritten from the escape on.
    /// </summary>
    /// <param name="utf8">The text.</param>
    /// <param name="destination">At least the text's <see cref="EscapedLength(ReadOnlySpan{byte})"/> plus <see cref="EscapeSlack"/> bytes:
    /// a vector may be stored past the end of what is written, and later overwritten or ignored.</param>
    /// <returns>The bytes written.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteEscaped(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        ref byte from = ref MemoryMarshal.GetReference(utf8);
        int i = 0;
        int written = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref byte to = ref MemoryMarshal.GetReference(destination);

            // The store needs a vector's room in the destination: checked here, not assumed from the caller.
            while (i <= utf8.Length - Vector256<byte>.Count && written <= destination.Length - Vector256<byte>.Count)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref from, (nuint)i);
                uint escapes = NeedsEscape.Find(v).ExtractMostSignificantBits();
                v.StoreUnsafe(ref to, (nuint)written);
                if (escapes == 0)
                {
                    i += Vector256<byte>.Count;
                    written += Vector256<byte>.Count;
                    continue;
                }

                int plain = BitOperations.TrailingZeroCount(escapes);
                i += plain;
                written += plain;
                written += WriteEscape(Unsafe.Add(ref from, i), destination[written..]);
                i++;
            }
        }

        for (; i < utf8.Length; i++)
        {
            byte b = Unsafe.Add(ref from, i);
            if (!NeedsEscape.Contains(b))
            {
                destination[written++] = b;
            }
            else
            {
                written += WriteEscape(b, destination[written..]);
            }
        }

        return written;
    }

    /// <summary>The room <see cref="WriteEscaped"/> may store into past what it writes.</summary>
    public const int EscapeSlack = 32;

    /// <summary>Writes the escape sequence of one byte that needs it.</summary>
    private static int WriteEscape(byte b, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        switch (b)
        {
            case (byte)'"': destination[1] = (byte)'"'; return 2;
            case (byte)'\\': destination[1] = (byte)'\\'; return 2;
            case (byte)'\n': destination[1] = (byte)'n'; return 2;
            case (byte)'\r': destination[1] = (byte)'r'; return 2;
            case (byte)'\t': destination[1] = (byte)'t'; return 2;
            case (byte)'\b': destination[1] = (byte)'b'; return 2;
            case (byte)'\f': destination[1] = (byte)'f'; return 2;
            default:
                "u00"u8.CopyTo(destination[1..]);
                destination[4] = HexDigit(b >> 4);
                destination[5] = HexDigit(b & 0xF);
                return 6;
        }
    }

    /// <summary>
    /// The index of the first byte JSON requires escaped in a string (a control character, a quote or a backslash), or
    /// -1. Vectorised by hand rather than with SearchValues, whose generic search is compiled unoptimised until the
    /// runtime tiers it up, which a short-lived process never sees; this runs fully optimised from the first event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOfFirstToEscape(ReadOnlySpan<byte> utf8) => IndexOfFirst<NeedsEscape>(utf8);

    /// <summary>The index of the first control character (below 0x20), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOfFirstControl(ReadOnlySpan<byte> utf8) => IndexOfFirst<ControlCharacter>(utf8);

    /// <summary>The index of the first byte in <typeparamref name="TSet"/>, or -1: 32 bytes at a time where the CPU can, else 16, else one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int IndexOfFirst<TSet>(ReadOnlySpan<byte> utf8)
        where TSet : struct, IByteSet
    {
        ref byte start = ref MemoryMarshal.GetReference(utf8);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= utf8.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                Vector256<byte> hits = TSet.Find(Vector256.LoadUnsafe(ref start, (nuint)i));
                if (hits != Vector256<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= utf8.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                Vector128<byte> hits = TSet.Find(Vector128.LoadUnsafe(ref start, (nuint)i));
                if (hits != Vector128<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }

        for (; i < utf8.Length; i++)
        {
            if (TSet.Contains(Unsafe.Add(ref start, i)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A set of bytes to look for, as a vector test and a byte test.</summary>
    private interface IByteSet
    {
        static abstract Vector256<byte> Find(Vector256<byte> bytes);

        static abstract Vector128<byte> Find(Vector128<byte> bytes);

        static abstract bool Contains(byte b);
    }

    /// <summary>What a JSON string must escape: control characters, the quote and the backslash.</summary>
    private readonly struct NeedsEscape : IByteSet
    {
        public static Vector256<byte> Find(Vector256<byte> bytes) =>
            Vector256.LessThan(bytes, Vector256.Create((byte)0x20)) | Vector256.Equals(bytes, Vector256.Create((byte)'"')) | Vector256.Equals(bytes, Vector256.Create((byte)'\\'));

        public static Vector128<byte> Find(Vector128<byte> bytes) =>
            Vector128.LessThan(bytes, Vector128.Create((byte)0x20)) | Vector128.Equals(bytes, Vector128.Create((byte)'"')) | Vector128.Equals(bytes, Vector128.Create((byte)'\\'));

        public static bool Contains(byte b) => b < 0x20 || b == (byte)'"' || b == (byte)'\\';
    }

    /// <summary>Control characters (below 0x20).</summary>
    private readonly struct ControlCharacter : IByteSet
    {
        public static Vector256<byte> Find(Vector256<byte> bytes) => Vector256.LessThan(bytes, Vector256.Create((byte)0x20));

        public static Vector128<byte> Find(Vector128<byte> bytes) => Vector128.LessThan(bytes, Vector128.Create((byte)0x20));

        public static bool Contains(byte b) => b < 0x20;
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);
}
