using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Watchtower.Throughput;

/// <summary>
/// A fast fake CloudWatch Logs endpoint on a free loopback port: HTTP/1.1 keep-alive, answers every operation with
/// 200 "{}", and counts PutLogEvents requests, their events and their message bytes. It does no JSON parsing (events
/// are counted by their "timestamp" keys), so that it costs far less than the shipper it measures.
/// </summary>
public sealed class SinkServer : IAsyncDisposable
{
    private static readonly byte[] s_ok = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\nx-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n\r\n{}");
    private static readonly byte[] s_headerEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_contentLength = "content-length:"u8.ToArray();
    private static readonly byte[] s_putLogEvents = "Logs_20140328.PutLogEvents"u8.ToArray();
    private static readonly byte[] s_timestampKey = "\"timestamp\":"u8.ToArray();
    private static readonly byte[] s_messageKey = "\"message\":\""u8.ToArray();
    private static readonly byte[] s_logEventsKey = "\"logEvents\":["u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private long _requests;
    private long _events;
    private long _bodyBytes;
    private long _messageBytes;

    public SinkServer()
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Url { get; }

    /// <summary>A client for this endpoint, with fixed test credentials (never the instance-metadata chain).</summary>
    public CloudWatchLogsClient CreateClient() => new(new CloudWatchLogsClientOptions
    {
        ServiceUrl = Url,
        Region = "us-east-1",
        Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDBENCHMARK", "benchmark-secret"),
    });

    public long PutRequests => Interlocked.Read(ref _requests);

    public long Events => Interlocked.Read(ref _events);

    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    /// <summary>Message bytes as sent (JSON-escaped), which for plain ASCII messages are the bytes CloudWatch counts.</summary>
    public long MessageBytes => Interlocked.Read(ref _messageBytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            byte[] buffer = new byte[4 * 1024 * 1024];
            int filled = 0;
            try
            {
                while (true)
                {
                    int headerEnd;
                    while ((headerEnd = buffer.AsSpan(0, filled).IndexOf(s_headerEnd)) < 0)
                    {
                        int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        filled += read;
                    }

                    int bodyStart = headerEnd + 4;
                    int length = ContentLength(buffer.AsSpan(0, headerEnd));
                    if (bodyStart + length > buffer.Length)
                    {
                        Array.Resize(ref buffer, bodyStart + length);
                    }

                    while (filled < bodyStart + length)
                    {
                        int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        filled += read;
                    }

                    if (buffer.AsSpan(0, headerEnd).IndexOf(s_putLogEvents) >= 0)
                    {
                        Interlocked.Increment(ref _requests);
                        (int events, long messageBytes) = CountEvents(buffer.AsSpan(bodyStart, length));
                        Interlocked.Add(ref _events, events);
                        Interlocked.Add(ref _messageBytes, messageBytes);
                        Interlocked.Add(ref _bodyBytes, length);
                    }

                    await socket.SendAsync(s_ok, SocketFlags.None, _stop.Token);
                    int consumed = bodyStart + length;
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// Counts events and the bytes their messages count, with a few vectorised passes over the body: events by their
    /// <c>"timestamp":</c> keys (which an escaped message cannot contain), message bytes as what is left of the events
    /// array once each event's framing (<c>{"timestamp":N,"message":""}</c>, 13-digit timestamps) is taken away, less
    /// one byte per escape sequence (the harness's messages need no \u escapes). Far cheaper than the shipper it measures.
    /// </summary>
    private static (int Events, long MessageBytes) CountEvents(ReadOnlySpan<byte> body)
    {
        int events = body.Count(s_timestampKey);
        int start = body.IndexOf(s_logEventsKey);
        if (events == 0 || start < 0)
        {
            return (events, 0);
        }

        ReadOnlySpan<byte> array = body[(start + s_logEventsKey.Length)..^2];
        long escaped = array.Length - (events * (long)(1 + s_timestampKey.Length + 13 + 1 + s_messageKey.Length + 2)) - (events - 1);
        long escapes = array.Count((byte)'\\') - array.Count("\\\\"u8);
        return (events, escaped - escapes);
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        Span<byte> lower = head.Length <= 8192 ? stackalloc byte[head.Length] : new byte[head.Length];
        for (int i = 0; i < head.Length; i++)
        {
            byte b = head[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }

        int at = lower.IndexOf(s_contentLength);
        if (at < 0)
        {
            return 0;
        }

        ReadOnlySpan<byte> rest = head[(at + s_contentLength.Length)..];
        int end = rest.IndexOf((byte)'\r');
        return int.Parse(Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
