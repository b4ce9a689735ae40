using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Watchtower.Text;

/// <summary>
/// The ASCII fast path of UTF-16 to UTF-8 encoding, by hand: most log text is ASCII, and this runs fully optimised from
/// the first event, where the framework's transcoder spends a process's first seconds in its profiling tiers.
/// Callers hand whatever follows the first non-ASCII character to <see cref="System.Text.Unicode.Utf8.FromUtf16"/>.
/// </summary>
public static class AsciiEncoder
{
    /// <summary>Copies the leading ASCII characters of <paramref name="source"/> as bytes; stops at the first other one or when <paramref name="destination"/> is full.</summary>
    /// <returns>How many characters (and so bytes) were copied.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int EncodeLeadingAscii(ReadOnlySpan<char> source, Span<byte> destination)
    {
        int length = Math.Min(source.Length, destination.Length);
        ref ushort from = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(source));
        ref byte to = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ushort> nonAscii = Vector256.Create((ushort)0xFF80);
            for (; i <= length - (2 * Vector256<ushort>.Count); i += 2 * Vector256<ushort>.Count)
            {
                Vector256<ushort> low = Vector256.LoadUnsafe(ref from, (nuint)i);
                Vector256<ushort> high = Vector256.LoadUnsafe(ref from, (nuint)(i + Vector256<ushort>.Count));
                if (((low | high) & nonAscii) != Vector256<ushort>.Zero)
                {
                    break;
                }

                Vector256.Narrow(low, high).StoreUnsafe(ref to, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<ushort> nonAscii = Vector128.Create((ushort)0xFF80);
            for (; i <= length - (2 * Vector128<ushort>.Count); i += 2 * Vector128<ushort>.Count)
            {
                Vector128<ushort> low = Vector128.LoadUnsafe(ref from, (nuint)i);
                Vector128<ushort> high = Vector128.LoadUnsafe(ref from, (nuint)(i + Vector128<ushort>.Count));
                if (((low | high) & nonAscii) != Vector128<ushort>.Zero)
                {
                    break;
                }

                Vector128.Narrow(low, high).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            ushort c = Unsafe.Add(ref from, i);
            if (c >= 0x80)
            {
                break;
            }

            Unsafe.Add(ref to, i) = (byte)c;
        }

        return i;
    }
}
