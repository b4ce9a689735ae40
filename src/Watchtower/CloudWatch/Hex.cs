namespace Watchtower.CloudWatch;

/// <summary>Lower-case hex, as SigV4 writes hashes and signatures.</summary>
internal static class Hex
{
    public static string ToLower(ReadOnlySpan<byte> bytes)
    {
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(bytes);
#else
        return string.Create(bytes.Length * 2, bytes.ToArray(), static (chars, source) =>
        {
            const string Digits = "0123456789abcdef";
            for (int i = 0; i < source.Length; i++)
            {
                chars[2 * i] = Digits[source[i] >> 4];
                chars[(2 * i) + 1] = Digits[source[i] & 0xF];
            }
        });
#endif
    }
}
