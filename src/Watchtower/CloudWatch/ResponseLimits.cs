using System.Buffers;

namespace Watchtower.CloudWatch;

/// <summary>
/// How much of a response the client reads. CloudWatch Logs answers a write with a few hundred bytes and a page of a
/// read with at most about 1 MB of events (escaped, with their framing, a few MB); anything larger did not come from
/// the service, so it is not read whole: a wrong endpoint answering 200 with a gigabyte must not take the
/// application's memory with it.
/// </summary>
internal static class ResponseLimits
{
    /// <summary>The bound for answers to writes (PutLogEvents, Create…, Put…, Tag…, Delete…).</summary>
    public const int Write = 64 * 1024;

    /// <summary>The bound for pages of reads (Describe…, Get…, Filter…, List…): a full page of 10,000 events, escaped, fits many times over.</summary>
    public const int Read = 32 * 1024 * 1024;

    /// <summary>The bound for error answers, whose message is all that is kept.</summary>
    public const int Error = 64 * 1024;

    private const int ReadChunk = 16 * 1024;

    /// <summary>The bound for an operation's successful answer.</summary>
    public static int For(string operation) =>
        operation.StartsWith("Describe", StringComparison.Ordinal)
        || operation.StartsWith("Get", StringComparison.Ordinal)
        || operation.StartsWith("Filter", StringComparison.Ordinal)
        || operation.StartsWith("List", StringComparison.Ordinal)
        || operation.StartsWith("Start", StringComparison.Ordinal)
            ? Read
            : Write;

    /// <summary>Reads the body if it is at most <paramref name="limit"/> bytes; null, having read little more, if it is larger.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is long declared && declared > limit)
        {
            return null;
        }

        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(content.Headers.ContentLength ?? ReadChunk, limit) + 1);
            int length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1L));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    int read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length - length, limit + 1 - length)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return buffer.AsSpan(0, length).ToArray();
                    }

                    length += read;
                    if (length > limit)
                    {
                        return null;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
