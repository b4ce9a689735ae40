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

    /// <summary>FilterLogEvents that answers every call in two pages of one event each, stamped in call order.</summary>
    private sealed class PagedFilterService : HttpMessageHandler
    {
        private long _time = 10_000;

        public List<JsonObject> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            JsonObject body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            Requests.Add(body);
            bool first = body["nextToken"] is null;
            // Groups are read one after another; stamps go down for /b so that merging has work to do.
            long stamp = (string)body["logGroupName"]! == "/a" ? _time++ : 20_000 - _time++;
            string json = $$"""{"events":[{"logStreamName":"s0","timestamp":{{stamp}},"message":"m{{stamp}}","ingestionTime":{{stamp}},"eventId":"e{{stamp}}"}]{{(first ? ",\"nextToken\":\"page-2\"" : string.Empty)}}}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }
}
