using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Extensions.Logging;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Extensions.Logging;

/// <summary>
/// What the formatter does with input built to break it: exception chains that loop or run deep, scopes whose
/// enumeration throws, events larger than the size limit. The application never crashes, the event is always
/// delivered, and a JSON event is always valid JSON, with only the part that failed replaced.
/// </summary>
public sealed class FormattingFailureTests : IAsyncDisposable
{
    private const string Group = "/app/format";
    private readonly FakeTimeProvider _clock = FakeClock.At2026();
    private readonly StrictCloudWatchFake _fake;
    private readonly CloudWatchLogsClient _client;

    public FormattingFailureTests()
    {
        _fake = new StrictCloudWatchFake(_clock);
        _client = HandlerHarness.CreateClient(_fake, _clock);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _fake.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(CloudWatchLogFormat.Text)]
    [InlineData(CloudWatchLogFormat.Json)]
    public async Task CyclicInnerExceptionChain_IsWrittenOnceAndSaysSo(CloudWatchLogFormat format)
    {
        var outer = new InvalidOperationException("outer");
        var inner = new ArgumentException("inner", outer);
        SetInner(outer, inner); // outer -> inner -> outer -> ...

        string message = await ShipOneAsync(format, logger => logger.LogError(outer, "it loops"));

        Assert.Contains("inner", message, StringComparison.Ordinal);
        Assert.Contains("cycle", message, StringComparison.Ordinal);
        if (format == CloudWatchLogFormat.Json)
        {
            JsonElement exception = JsonDocument.Parse(message).RootElement.GetProperty("exception");
            Assert.Equal("System.ArgumentException", exception.GetProperty("inner").GetProperty("type").GetString());
            Assert.True(exception.GetProperty("inner").GetProperty("cycle").GetBoolean());
        }
        else
        {
            Assert.StartsWith("2026-11-23T10:00:00.000Z Error Tests: it loops | System.InvalidOperationException: outer ---> System.ArgumentException: inner", message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', message);
        }
    }

    [Theory]
    [InlineData(CloudWatchLogFormat.Text)]
    [InlineData(CloudWatchLogFormat.Json)]
    public async Task InnerExceptionChainDeeperThanTheLimit_SaysHowManyLevelsWereLeftOut(CloudWatchLogFormat format)
    {
        Exception chain = new InvalidOperationException("level 20");
        for (int level = 19; level >= 0; level--)
        {
            chain = new InvalidOperationException("level " + level, chain);
        }

        string message = await ShipOneAsync(format, logger => logger.LogError(chain, "deep"));

        Assert.Contains("level 8", message, StringComparison.Ordinal);
        Assert.DoesNotContain("level 9", message, StringComparison.Ordinal);
        if (format == CloudWatchLogFormat.Json)
        {
            JsonElement deepest = JsonDocument.Parse(message).RootElement.GetProperty("exception");
            for (int i = 0; i < 8; i++)
            {
                deepest = deepest.GetProperty("inner");
            }

            Assert.Equal("level 8", deepest.GetProperty("message").GetString());
            Assert.Equal(12, deepest.GetProperty("omittedInnerExceptions").GetInt32());
        }
        else
        {
            Assert.Contains("12 more inner exceptions left out", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ScopeWhoseEnumerationThrows_OnlyThatScopeIsReplaced()
    {
        string message = await ShipOneAsync(CloudWatchLogFormat.Json, logger =>
        {
            using (logger.BeginScope(new Dictionary<string, object?> { ["TenantId"] = "t-1" }))
            using (logger.BeginScope(new ThrowingScope()))
            {
                logger.LogInformation("Order {OrderId} paid", 42);
            }
        });

        JsonElement json = JsonDocument.Parse(message).RootElement;
        Assert.Equal("Order 42 paid", json.GetProperty("message").GetString());
        Assert.Equal("Order {OrderId} paid", json.GetProperty("messageTemplate").GetString());
        Assert.Equal(42, json.GetProperty("properties").GetProperty("OrderId").GetInt32());
        Assert.Contains("t-1", message, StringComparison.Ordinal);
        Assert.Contains("could not be written", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JsonEventOverMaxMessageSize_IsCutInsideTheMessageAndStaysValid(bool hugeProperty)
    {
        // A message of 400,000 characters that need escaping, and optionally a property of the same size.
        string huge = string.Concat(Enumerable.Repeat("say \"hi\"\n", 50_000));
        string shipped = await ShipOneAsync(CloudWatchLogFormat.Json, logger =>
        {
            if (hugeProperty)
            {
                logger.LogInformation(new ArgumentException("why"), "Payload {Payload}", huge);
            }
            else
            {
                logger.LogInformation(new ArgumentException("why"), huge);
            }
        }, maxMessageSize: 262_144);

        Assert.InRange(Encoding.UTF8.GetByteCount(shipped) + 26, 200_000, 262_144);
        JsonElement json = JsonDocument.Parse(shipped).RootElement;
        string message = json.GetProperty("message").GetString()!;
        Assert.EndsWith("…[truncated]", message, StringComparison.Ordinal);
        Assert.StartsWith(hugeProperty ? "Payload say \"hi\"\n" : "say \"hi\"\n", message, StringComparison.Ordinal);
        Assert.True(json.GetProperty("truncated").GetBoolean());
        Assert.Equal("Tests", json.GetProperty("category").GetString());
        Assert.Equal("why", json.GetProperty("exception").GetProperty("message").GetString());
    }

    private async Task<string> ShipOneAsync(CloudWatchLogFormat format, Action<ILogger> log, int maxMessageSize = 1_048_576)
    {
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new CloudWatchLoggerOptions { LogGroupName = Group, LogStreamName = "{logger_name}", Client = _client, Format = format, MaxMessageSize = maxMessageSize };
        await using var provider = TestProviders.Create(options, _clock, warnings.Enqueue);
        using (ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider)))
        {
            log(factory.CreateLogger("Tests"));
        }

        await provider.FlushAsync();
        return Assert.Single(_fake.AllMessages(Group));
    }

    private static void SetInner(Exception exception, Exception inner) =>
        typeof(Exception).GetField("_innerException", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(exception, inner);

    private sealed class ThrowingScope : IEnumerable<KeyValuePair<string, object?>>
    {
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return new KeyValuePair<string, object?>("First", 1);
            throw new InvalidOperationException("the scope broke half-way");
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "a scope that breaks";
    }
}
