using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Watchtower.Cli.Tail;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Cli;

/// <summary>How a tail's reads become FilterLogEvents calls: stream lists split at 100, every page read, groups merged.</summary>
public sealed class FilterLogEventsSourceTests
{
    [Fact]
    public async Task MoreThan100Streams_AreSplitOverCalls_EveryPageIsRead_AndGroupsAreMergedInTimeOrder()
    {
        var service = new PagedFilterService();
        using CloudWatchLogsClient client = HandlerHarness.CreateClient(service, TimeProvider.System);
        string[] streams = [.. Enumerable.Range(0, 250).Select(i => $"s{i}")];
        var source = new FilterLogEventsSource(client, ["/a", "/b"], streams, streamPrefix: null, filterPattern: "ERROR");

        IReadOnlyList<TailEvent> events = await source.ReadAsync(DateTimeOffset.FromUnixTimeMilliseconds(1_000), end: null, CancellationToken.None);

        // Two groups x three chunks (100, 100, 50), each answered in two pages.
        Assert.Equal(12, service.Requests.Count);
        Assert.All(service.Requests, r => Assert.InRange(((JsonArray)r["logStreamNames"]!).Count, 1, 100));
        Assert.Equal(250, service.Requests.Where(r => (string)r["logGroupName"]! == "/a" && r["nextToken"] is null).Sum(r => ((JsonArray)r["logStreamNames"]!).Count));
        Assert.All(service.Requests, r => Assert.Equal("ERROR", (string)r["filterPattern"]!));
        Assert.Equal(12, events.Count);
        Assert.Equal(events.OrderBy(e => e.Timestamp).Select(e => e.Message), events.Select(e => e.Message));
        Assert.Equal(["/a", "/b"], events.Select(e => e.Group).Distinct().Order());
    }

    [Fact]
    public async Task AOneShotTail_IsMergedAsItIsRead_NotAfterEveryPage()
    {
        var service = new PagedFilterService();
        using CloudWatchLogsClient client = HandlerHarness.CreateClient(service, TimeProvider.System);
        var source = new FilterLogEventsSource(client, ["/a", "/b"], [.. Enumerable.Range(0, 150).Select(i => $"s{i}")], streamPrefix: null, filterPattern: null);
        var events = new List<TailEvent>();
        var requestsWhenFirstPrinted = -1;

        await foreach (TailEvent e in source.StreamAsync(DateTimeOffset.UnixEpoch, end: null, CancellationToken.None))
        {
            requestsWhenFirstPrinted = requestsWhenFirstPrinted < 0 ? service.Requests.Count : requestsWhenFirstPrinted;
            events.Add(e);
        }

        // The first event came after each of the four calls' first page (2 groups x 2 chunks), not after all eight pages.
        Assert.Equal(4, requestsWhenFirstPrinted);
        Assert.Equal(8, service.Requests.Count);
        Assert.All(service.Requests, r => Assert.True((bool)r["interleaved"]!));
        Assert.Equal(events.OrderBy(e => e.Timestamp).Select(e => e.Message), events.Select(e => e.Message));
    }

    [Fact]
    public void FormsAndColour_AreAsTheReadmeSays()
    {
        var e = new TailEvent("/a", "web-1", new DateTimeOffset(2026, 12, 2, 9, 0, 1, 5, TimeSpan.Zero), null, "hello \"you\" ✓\n", "id-1");

        Assert.Equal("2026-12-02T09:00:01.005Z web-1 hello \"you\" ✓", Printer(TailFormat.Text, showGroup: false, color: false).Line(e));
        Assert.Equal("2026-12-02T09:00:01.005Z /a/web-1 hello \"you\" ✓", Printer(TailFormat.Text, showGroup: true, color: false).Line(e));
        Assert.Equal("09:00:01.005 hello \"you\" ✓", Printer(TailFormat.Short, showGroup: false, color: false).Line(e));
        Assert.Equal("hello \"you\" ✓", Printer(TailFormat.Raw, showGroup: false, color: false).Line(e));
        Assert.Equal("{\"timestamp\":\"2026-12-02T09:00:01.005Z\",\"group\":\"/a\",\"stream\":\"web-1\",\"message\":\"hello \\\"you\\\" ✓\\n\",\"eventId\":\"id-1\"}", Printer(TailFormat.Json, showGroup: false, color: false).Line(e));
        Assert.Contains("\u001b[", Printer(TailFormat.Text, showGroup: false, color: true).Line(e), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, null, "xterm", true)]
    [InlineData(true, "1", "xterm", false)]
    [InlineData(true, null, "dumb", false)]
    [InlineData(false, null, "xterm", false)]
    public void Colour_OnlyOnATerminal_AndNeverWithNoColor(bool terminal, string? noColor, string term, bool expected)
    {
        var console = new Watchtower.Cli.CliConsole
        {
            Out = TextWriter.Null,
            Error = TextWriter.Null,
            In = TextReader.Null,
            OutIsTerminal = terminal,
            Environment = name => name switch { "NO_COLOR" => noColor, "TERM" => term, _ => null },
        };

        Assert.Equal(expected, console.UseColor);
    }

    private static EventPrinter Printer(TailFormat format, bool showGroup, bool color) => new(TextWriter.Null, format, showGroup, color, grep: null, grepv: null);

    /// <summary>
    /// FilterLogEvents that answers every call in two pages of one event each, in time order within the call (as the
    /// service does), with the calls' times overlapping so that merging them has work to do.
    /// </summary>
    private sealed class PagedFilterService : HttpMessageHandler
    {
        private long _time = 10_000;

        public List<JsonObject> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            JsonObject body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            long stamp;
            string next;
            lock (Requests)
            {
                Requests.Add(body);
                if (body["nextToken"] is JsonValue token)
                {
                    stamp = long.Parse(((string)token!)["p2-".Length..], System.Globalization.CultureInfo.InvariantCulture) + 25;
                    next = string.Empty;
                }
                else
                {
                    stamp = (_time += 10) + ((string)body["logGroupName"]! == "/b" ? 3 : 0);
                    next = $",\"nextToken\":\"p2-{stamp}\"";
                }
            }

            string json = $$"""{"events":[{"logStreamName":"s0","timestamp":{{stamp}},"message":"m{{stamp}}","ingestionTime":{{stamp}},"eventId":"e{{stamp}}"}]{{next}}}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }
}
