using System.Buffers;
using System.Runtime.CompilerServices;

namespace Watchtower.Text;

/// <summary>
/// Scratch space for encoding a message to UTF-8 on the logging thread: a buffer kept per thread for messages up to
/// 64 KiB (the common case allocates nothing), one borrowed from the shared pool for larger ones.
/// </summary>
internal static class EncodeBuffer
{
    private const int MaxThreadBufferSize = 64 * 1024;

    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static byte[]? t_buffer;

    /// <summary>A buffer of at least <paramref name="needed"/> bytes; give it back with <see cref="Return"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte[] Rent(int needed)
    {
        if (needed > MaxThreadBufferSize)
        {
            return ArrayPool<byte>.Shared.Rent(needed);
        }

        return t_buffer is { } cached && cached.Length >= needed ? cached : (t_buffer = new byte[Math.Max(needed, 1024)]);
    }

    /// <summary>Gives back a buffer from <see cref="Rent"/>: a pooled one to the pool, the thread's own to nobody.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Return(byte[] buffer)
    {
        // Only pooled buffers are larger than the thread's own can be; a length check spares a second thread-static read.
        if (buffer.Length > MaxThreadBufferSize)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
