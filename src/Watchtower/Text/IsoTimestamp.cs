using System.Globalization;
using System.Runtime.CompilerServices;

namespace Watchtower.Text;

/// <summary>
/// Writes a UTC time as the 24 UTF-8 bytes <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, fast: the part up to the second is
/// formatted once per second and copied, the milliseconds written as digits (a custom DateTime format costs several
/// times more per call).
/// </summary>
public static class IsoTimestamp
{
    /// <summary>The length of what <see cref="Write(Span{byte}, DateTime)"/> writes.</summary>
    public const int Length = 24;

    private static SecondPrefix? s_secondPrefix;

    /// <summary>Writes <paramref name="utc"/> into the first <see cref="Length"/> bytes of <paramref name="into"/>.</summary>
    /// <param name="into">At least <see cref="Length"/> bytes.</param>
    /// <param name="utc">A UTC time.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // on the caller's thread: no waiting for tier-up
    public static void Write(Span<byte> into, DateTime utc)
    {
        long ticks = utc.Ticks;
        long second = ticks / TimeSpan.TicksPerSecond;
        SecondPrefix? prefix = Volatile.Read(ref s_secondPrefix);
        if (prefix is null || prefix.Second != second)
        {
            prefix = new SecondPrefix(second, utc);
            Volatile.Write(ref s_secondPrefix, prefix);
        }

        prefix.Text.CopyTo(into);
        int ms = (int)(ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMillisecond);
        into[20] = (byte)('0' + (ms / 100));
        into[21] = (byte)('0' + (ms / 10 % 10));
        into[22] = (byte)('0' + (ms % 10));
        into[23] = (byte)'Z';
    }

    /// <summary>The same as characters: for text lines and tables.</summary>
    /// <param name="into">At least <see cref="Length"/> characters.</param>
    /// <param name="utc">A UTC time.</param>
    public static void Write(Span<char> into, DateTime utc)
    {
        Span<byte> ascii = stackalloc byte[Length];
        Write(ascii, utc);
        System.Text.Ascii.ToUtf16(ascii, into, out _);
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.</c> for one second, shared by every thread until the next second.</summary>
    private sealed class SecondPrefix
    {
        public SecondPrefix(long second, DateTime utc)
        {
            Second = second;
            utc.TryFormat(Text, out _, "yyyy-MM-dd'T'HH:mm:ss'.'", CultureInfo.InvariantCulture);
        }

        public long Second { get; }

        public byte[] Text { get; } = new byte[20];
    }
}
