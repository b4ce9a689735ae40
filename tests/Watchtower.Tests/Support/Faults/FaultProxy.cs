using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Watchtower.Tests.Support.Faults;

/// <summary>
/// The end-to-end fault layer: a small HTTP/1.1 proxy on a free loopback port in front of a real endpoint
/// (moto_server), applying a <see cref="FaultScript"/> on the wire: error answers, connections reset after the request
/// was forwarded, answers held past the client's timeout, and refused connections (the listener is closed for the
/// window, and open connections are dropped). Handles keep-alive connections; requests carry Content-Length.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly FaultScript _script;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _acceptLoop;
    private TcpListener _listener;

    public FaultProxy(Uri target, FaultScript script)
    {
        _target = target;
        _script = script;
        _upstream = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropConnections();
        await _acceptLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        _upstream.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_script.RefusingNow())
            {
                // A closed port refuses connections; open ones are dropped so that pooled connections fail too.
                _listener.Stop();
                DropConnections();
                while (_script.RefusingNow() && !_stop.IsCancellationRequested)
                {
                    _script.CountRefusal();
                    await Task.Delay(20);
                }

                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                _listener = new TcpListener(IPAddress.Loopback, Port);
                _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                _listener.Start();
            }

            TcpClient client;
            try
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                poll.CancelAfter(TimeSpan.FromMilliseconds(50));
                client = await _listener.AcceptTcpClientAsync(poll.Token);
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(client);
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private void DropConnections()
    {
        lock (_connections)
        {
            foreach (TcpClient connection in _connections)
            {
                Reset(connection);
            }

            _connections.Clear();
        }
    }

    private static void Reset(TcpClient connection)
    {
        // The connection may have closed itself meanwhile (its Client is then null); a disposed socket throws below.
        if (connection.Client is not { } socket)
        {
            return;
        }

        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST
            connection.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                NetworkStream stream = client.GetStream();
                while (!_stop.IsCancellationRequested)
                {
                    (string Method, string Path, List<(string Name, string Value)> Headers, byte[] Body)? request = await ReadRequestAsync(stream);
                    if (request is not { } r)
                    {
                        return;
                    }

                    if (!await HandleAsync(client, stream, r.Method, r.Path, r.Headers, r.Body))
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(client);
            }
        }
    }

    /// <returns>False when the connection is to be closed.</returns>
    private async Task<bool> HandleAsync(TcpClient client, NetworkStream stream, string method, string path, List<(string Name, string Value)> headers, byte[] body)
    {
        string operation = FaultScript.OperationOf(headers.FirstOrDefault(h => h.Name.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase)).Value);
        JsonObject? json = body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null;
        FaultKind? fault = json is null ? null : _script.Take(operation, json);
        if (fault is { } f && FaultScript.AnswersWithoutForwarding(f))
        {
            (int status, string type, string message) = FaultScript.ErrorFor(f, (string?)json!["logStreamName"] ?? "");
            await WriteResponseAsync(stream, status, "application/x-amz-json-1.1", Encoding.UTF8.GetBytes($"{{\"__type\":\"{type}\",\"message\":\"{message}\"}}"));
            return true;
        }

        string? rejected = null;
        if (fault == FaultKind.RejectEdgeEvents && FaultScript.StripEdgeEvents(json!) is { } info)
        {
            rejected = info;
            body = Encoding.UTF8.GetBytes(json!.ToJsonString());
        }

        (int upstreamStatus, string contentType, byte[] upstreamBody) = await ForwardAsync(method, path, headers, body);
        switch (fault)
        {
            case FaultKind.ResetAfterForwarding or FaultKind.BareSocketError or FaultKind.UnexpectedException:
                Reset(client);
                return false;
            case FaultKind.DelayPastTimeout:
                await Task.Delay(_script.Delay, _stop.Token);
                break;
            case FaultKind.RejectEdgeEvents when rejected is not null && upstreamStatus == 200:
                upstreamBody = Encoding.UTF8.GetBytes(rejected);
                break;
            default:
                break;
        }

        await WriteResponseAsync(stream, upstreamStatus, contentType, upstreamBody);
        return true;
    }

    private async Task<(int Status, string ContentType, byte[] Body)> ForwardAsync(string method, string path, List<(string Name, string Value)> headers, byte[] body)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(_target, path)) { Content = new ByteArrayContent(body) };
        foreach ((string name, string value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using HttpResponseMessage response = await _upstream.SendAsync(message, _stop.Token);
        byte[] responseBody = await response.Content.ReadAsByteArrayAsync(_stop.Token);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "application/x-amz-json-1.1", responseBody);
    }

    private static async Task WriteResponseAsync(NetworkStream stream, int status, string contentType, byte[] body)
    {
        string head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n" +
            $"x-amzn-RequestId: {Guid.NewGuid()}\r\nDate: {DateTimeOffset.UtcNow:R}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    private static async Task<(string, string, List<(string, string)>, byte[])?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>(1024);
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        string[] lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] requestLine = lines[0].Split(' ');
        var headers = new List<(string, string)>();
        int contentLength = 0;
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string name = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            headers.Add((name, value));
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        byte[] body = new byte[contentLength];
        await stream.ReadExactlyAsync(body);
        return (requestLine[0], requestLine[1], headers, body);
    }
}
