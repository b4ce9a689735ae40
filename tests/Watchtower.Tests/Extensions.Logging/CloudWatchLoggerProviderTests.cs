using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Diagnostics;
using Watchtower.Extensions.Logging;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Extensions.Logging;

public sealed class CloudWatchLoggerProviderTests : IAsyncDisposable
{
    private const string Group = "/app/mel";
    private readonly FakeTimeProvider _clock = FakeClock.At2026();
    private readonly StrictCloudWatchFake _fake;
    private readonly CloudWatchLogsClient _client;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    public CloudWatchLoggerProviderTests()
    {
        _fake = new StrictCloudWatchFake(_clock);
        _client = HandlerHarness.CreateClient(_fake, _clock);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _fake.Dispose();
        await Task.CompletedTask;
    }

    private CloudWatchLoggerProvider CreateProvider(Action<CloudWatchLoggerOptions>? configure = null)
    {
        var options = new CloudWatchLoggerOptions { LogGroupName = Group, LogStreamName = "{logger_name}", Client = _client };
        configure?.Invoke(options);
        return TestProviders.Create(options, _clock, _warnings.Enqueue);
    }

    private static ILoggerFactory Factory(CloudWatchLoggerProvider provider) =>
        LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));

    private async Task<JsonElement> ShipOneJsonAsync(CloudWatchLoggerProvider provider, Action<ILogger> log)
    {
        using ILoggerFactory factory = Factory(provider);
        log(factory.CreateLogger("Orders.Api"));
        await provider.FlushAsync();
        string message = Assert.Single(_fake.AllMessages(Group));
        return JsonDocument.Parse(message).RootElement;
    }

    [Fact]
    public async Task Json_StructuredEvent_HasEveryField()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();

        JsonElement json = await ShipOneJsonAsync(provider, logger =>
        {
            using (logger.BeginScope("request {RequestId}", "r-1"))
            using (logger.BeginScope("plain scope"))
            {
                logger.LogWarning(new EventId(42, "OrderPaid"), new InvalidOperationException("outer", new ArgumentException("inner")), "Order {OrderId} paid {Amount} by {Customer}", 42, 9.5m, "Zoë");
            }
        });

        Assert.Equal("2026-11-23T10:00:00.000Z", json.GetProperty("timestamp").GetString());
        Assert.Equal("Warning", json.GetProperty("level").GetString());
        Assert.Equal("Orders.Api", json.GetProperty("category").GetString());
        Assert.Equal(42, json.GetProperty("eventId").GetInt32());
        Assert.Equal("OrderPaid", json.GetProperty("eventName").GetString());
        Assert.Equal("Order 42 paid 9.5 by Zoë", json.GetProperty("message").GetString());
        Assert.Equal("Order {OrderId} paid {Amount} by {Customer}", json.GetProperty("messageTemplate").GetString());
        Assert.Equal(42, json.GetProperty("properties").GetProperty("OrderId").GetInt32());
        Assert.Equal(9.5m, json.GetProperty("properties").GetProperty("Amount").GetDecimal());
        JsonElement exception = json.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("outer", exception.GetProperty("message").GetString());
        Assert.Equal("inner", exception.GetProperty("inner").GetProperty("message").GetString());
        JsonElement scopes = json.GetProperty("scopes");
        Assert.Equal("r-1", scopes[0].GetProperty("RequestId").GetString());
        Assert.Equal("plain scope", scopes[1].GetString());
    }

    [Fact]
    public async Task Json_Scopes_AreWrittenOnceAsTheirProperties()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();

        JsonElement json = await ShipOneJsonAsync(provider, logger =>
        {
            using (logger.BeginScope("request {RequestId} for {Path}", "r-1", "/orders"))
            using (logger.BeginScope(new Dictionary<string, object?> { ["TenantId"] = "t-9" }))
            using (logger.BeginScope("no holes {0}"[..8]))
            {
                logger.LogInformation("paid");
            }
        });

        JsonElement scopes = json.GetProperty("scopes");
        Assert.Equal("""{"RequestId":"r-1","Path":"/orders"}""", scopes[0].GetRawText());
        Assert.Equal("""{"TenantId":"t-9"}""", scopes[1].GetRawText());
        Assert.Equal("no holes", scopes[2].GetString());
        Assert.DoesNotContain("Dictionary", json.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_JsonTypeInfoResolver_WritesTheObjectsItKnows_ReflectionTheRest()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider(o => o.JsonTypeInfoResolver = InvoiceJsonContext.Default);

        JsonElement json = await ShipOneJsonAsync(provider, logger => logger.LogInformation("{@Invoice} {@Order}", new Invoice(3, 9.5m), new Order(7, "book")));

        // The context's naming (camelCase) shows that it, not reflection, wrote the invoice.
        Assert.Equal("""{"number":3,"total":9.5}""", json.GetProperty("properties").GetProperty("Invoice").GetRawText());
        Assert.Equal(7, json.GetProperty("properties").GetProperty("Order").GetProperty("Id").GetInt32());
    }

    [Fact]
    public async Task Json_DestructuringMarks_AreNotPartOfThePropertyName()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();

        JsonElement json = await ShipOneJsonAsync(provider, logger => logger.LogInformation("{@Order} {$Customer} {@}", new Order(7, "book"), "ann", 1));

        JsonElement properties = json.GetProperty("properties");
        Assert.Equal(7, properties.GetProperty("Order").GetProperty("Id").GetInt32());
        Assert.Equal("ann", properties.GetProperty("Customer").GetString());
        Assert.Equal(1, properties.GetProperty("@").GetInt32());
        Assert.Equal("{@Order} {$Customer} {@}", json.GetProperty("messageTemplate").GetString());
    }

    [Fact]
    public async Task Json_DictionaryState_IsWrittenAsPropertiesAndNotChanged()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();
        var state = new Dictionary<string, object?> { ["user"] = "ann", ["when"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), ["nested"] = new Dictionary<string, object?> { ["n"] = 1 } };

        JsonElement json = await ShipOneJsonAsync(provider, logger => logger.Log(LogLevel.Information, default, state, null, (s, _) => s.ToString()!));

        Assert.Equal("ann", json.GetProperty("properties").GetProperty("user").GetString());
        Assert.Equal("2026-01-02T03:04:05.0000000Z", json.GetProperty("properties").GetProperty("when").GetString());
        Assert.Equal(1, json.GetProperty("properties").GetProperty("nested").GetProperty("n").GetInt32());
        Assert.Equal(3, state.Count);
        Assert.Equal("ann", state["user"]);
    }

    [Fact]
    public async Task Json_ObjectState_IsSerialised()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();

        JsonElement json = await ShipOneJsonAsync(provider, logger => logger.Log(LogLevel.Information, default, new Order(7, "book"), null, (s, _) => s.ToString()));

        Assert.Equal(7, json.GetProperty("state").GetProperty("Id").GetInt32());
        Assert.Equal("Order { Id = 7, Item = book }", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Json_UnserialisableValues_FallBackToTheirStringForm()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();
        var cyclic = new Node();
        cyclic.Next = cyclic;

        JsonElement json = await ShipOneJsonAsync(provider, logger =>
            logger.LogInformation("{Bad} {Throws} {Cycle} {Nan}", new ThrowingGetter(), new ThrowingToString(), cyclic, double.NaN));

        JsonElement properties = json.GetProperty("properties");
        Assert.Equal("ThrowingGetter!", properties.GetProperty("Bad").GetString());
        Assert.Equal(JsonValueKind.Object, properties.GetProperty("Throws").ValueKind);
        Assert.StartsWith("[the message could not be formatted: InvalidOperationException: no]", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, properties.GetProperty("Cycle").ValueKind);
        Assert.Equal("NaN", properties.GetProperty("Nan").GetString());
    }

    [Fact]
    public async Task Json_MismatchedFormatArguments_AreReportedInTheMessage()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();

        JsonElement json = await ShipOneJsonAsync(provider, logger => logger.LogInformation("{A} and {B}", 1));

        Assert.Contains("{A} and {B}", json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_IsOneReadableLine()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider(o => o.Format = CloudWatchLogFormat.Text);
        using ILoggerFactory factory = Factory(provider);
        ILogger logger = factory.CreateLogger("Orders.Api");

        using (logger.BeginScope("request r-1"))
        {
            logger.LogError(new EventId(3, "Failed"), new InvalidOperationException("boom"), "Order {OrderId}\nfailed", 42);
        }

        await provider.FlushAsync();

        string line = Assert.Single(_fake.AllMessages(Group));
        Assert.StartsWith("2026-11-23T10:00:00.000Z Error Orders.Api[3:Failed]: Order 42\\nfailed => request r-1 | System.InvalidOperationException: boom", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData("app/{strftime:%Y-%m-%d}", "app/2026-11-23", "app/2026-11-24")]
    [InlineData("app/{utc:yyyy-MM-dd-HH}", "app/2026-11-23-23", "app/2026-11-24-00")]
    [InlineData("app/{strftime:%H%M%S}.{strftime:%f}", "app/235959.999000", "app/000000.000000")]
    public async Task TimeTemplates_RollExactlyAtTheBoundary_ThroughEachLoggersCachedName(string template, string before, string after)
    {
        await using CloudWatchLoggerProvider provider = CreateProvider(o => { o.LogStreamName = template; o.Format = CloudWatchLogFormat.Text; });
        using ILoggerFactory factory = Factory(provider);
        ILogger logger = factory.CreateLogger("Orders");
        var midnight = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

        // The clock is the event's time: each logger caches its name for a span and must notice the span's end.
        foreach (DateTimeOffset at in new[] { midnight.AddMilliseconds(-2), midnight.AddMilliseconds(-1), midnight, midnight.AddMilliseconds(1) })
        {
            _clock.SetUtcNow(at);
            logger.LogInformation("at {At}", at.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
        }

        await provider.FlushAsync();

        Assert.Contains(before, _fake.StreamNames(Group));
        Assert.Contains(after, _fake.StreamNames(Group));
        Assert.All(_fake.Messages(Group, before), m => Assert.Contains("at 23:59:59.99", m, StringComparison.Ordinal));
        Assert.All(_fake.Messages(Group, after), m => Assert.Contains("at 00:00:00.00", m, StringComparison.Ordinal));
        Assert.Equal(4, _fake.AllMessages(Group).Count);
    }

    [Fact]
    public async Task Text_NonAsciiAndLoneSurrogates_AreSentAsTheirUtf8()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider(o => o.Format = CloudWatchLogFormat.Text);
        using ILoggerFactory factory = Factory(provider);

        factory.CreateLogger("Zoë").LogInformation("注文 {Id} ✓ 😀 \ud800 \"quoted\" \\ \t", 42);
        await provider.FlushAsync();

        Assert.EndsWith("Information Zoë: 注文 42 ✓ 😀 \ufffd \"quoted\" \\ \t", Assert.Single(_fake.AllMessages(Group)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CloudWatchLogFormat.Text)]
    [InlineData(CloudWatchLogFormat.Json)]
    public async Task AValueWhoseToStringLogs_GetsBothEventsWhole(CloudWatchLogFormat format)
    {
        await using CloudWatchLoggerProvider provider = CreateProvider(o => o.Format = format);
        using ILoggerFactory factory = Factory(provider);
        ILogger logger = factory.CreateLogger("Orders");
        var chatty = new LoggingToString(factory.CreateLogger("Inner"));

        // The inner event is formatted while the outer one is half written, on the same thread.
        logger.LogInformation("outer {Value} end", chatty);
        await provider.FlushAsync();

        IReadOnlyList<string> inner = _fake.Messages(Group, "Inner");
        IReadOnlyList<string> outer = _fake.Messages(Group, "Orders");
        Assert.Contains("inner event", Assert.Single(inner), StringComparison.Ordinal);
        Assert.Contains("outer chatty end", Assert.Single(outer), StringComparison.Ordinal);
        Assert.DoesNotContain("inner event", outer[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_EscapesWhatJsonNeeds_AndKeepsEveryValue()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();
        using ILoggerFactory factory = Factory(provider);
        string tricky = "quote \" backslash \\ newline \n tab \t control \u0001 emoji 😀 lone \ud800 end";

        factory.CreateLogger("Cat\"egory").Log(LogLevel.Warning, new EventId(7, "na\"me"), new Dictionary<string, object?>
        {
            ["{OriginalFormat}"] = "unused",
        }.ToList(), null, (_, _) => tricky);
        factory.CreateLogger("Orders").LogInformation("{Text} {Flag} {Int} {Long} {Double} {Decimal} {Null} {When} {Nested}", tricky, true, -42, long.MaxValue, 1.5e-7, 12.25m, null, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), new Dictionary<string, int> { ["a\"b"] = 1 });
        await provider.FlushAsync();

        string expected = tricky.Replace("\ud800", "\ufffd", StringComparison.Ordinal);
        JsonElement first = JsonDocument.Parse(Assert.Single(_fake.Messages(Group, "Cat\"egory"))).RootElement;
        Assert.Equal(expected, first.GetProperty("message").GetString());
        Assert.Equal("Cat\"egory", first.GetProperty("category").GetString());
        Assert.Equal("na\"me", first.GetProperty("eventName").GetString());
        Assert.Equal(7, first.GetProperty("eventId").GetInt32());

        JsonElement second = JsonDocument.Parse(Assert.Single(_fake.Messages(Group, "Orders"))).RootElement;
        JsonElement p = second.GetProperty("properties");
        Assert.Equal(expected, p.GetProperty("Text").GetString());
        Assert.True(p.GetProperty("Flag").GetBoolean());
        Assert.Equal(-42, p.GetProperty("Int").GetInt32());
        Assert.Equal(long.MaxValue, p.GetProperty("Long").GetInt64());
        Assert.Equal(1.5e-7, p.GetProperty("Double").GetDouble());
        Assert.Equal(12.25m, p.GetProperty("Decimal").GetDecimal());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("Null").ValueKind);
        Assert.Equal("2026-01-02T03:04:05.0000000Z", p.GetProperty("When").GetString());
        Assert.Equal(1, p.GetProperty("Nested").GetProperty("a\"b").GetInt32());
        Assert.Equal("{Text} {Flag} {Int} {Long} {Double} {Decimal} {Null} {When} {Nested}", second.GetProperty("messageTemplate").GetString());
    }

    [Fact]
    public async Task EmptyMessage_IsNotSentButCounted()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();
        using ILoggerFactory factory = Factory(provider);

        factory.CreateLogger("x").LogInformation(string.Empty);
        await provider.FlushAsync();

        Assert.Empty(_fake.AllMessages(Group));
        Assert.Equal(1, provider.Handler.Metrics.Dropped(DropReason.EmptyMessage));
        Assert.Contains(_warnings, w => w.Contains("Received empty message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmptyMessageWithException_IsSent()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();
        using ILoggerFactory factory = Factory(provider);

        factory.CreateLogger("x").LogError(new InvalidOperationException("boom"), string.Empty);
        await provider.FlushAsync();

        Assert.Single(_fake.AllMessages(Group));
    }

    [Fact]
    public async Task EventsRaisedOnTheSendersPath_AreNeverShipped()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();
        using ILoggerFactory factory = Factory(provider);
        ILogger http = factory.CreateLogger("System.Net.Http.HttpClient.Default.LogicalHandler");

        await Task.Run(() =>
        {
            SenderScope.Enter();
            http.LogInformation("Start processing HTTP request POST https://logs.us-east-1.amazonaws.com/");
        });
        http.LogInformation("the application's own request");
        await provider.FlushAsync();

        Assert.Equal(["the application's own request"], _fake.AllMessages(Group).Select(m => JsonDocument.Parse(m).RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task AwsSdkDebugEvents_AreFiltered_ButWarningsAreShipped()
    {
        await using CloudWatchLoggerProvider provider = CreateProvider();
        using ILoggerFactory factory = Factory(provider);
        ILogger aws = factory.CreateLogger("Amazon.Runtime.Internal.Util");

        aws.LogDebug("signing details");
        aws.LogTrace("wire dump");
        aws.LogWarning("credentials expire soon");
        await provider.FlushAsync();

        Assert.Single(_fake.AllMessages(Group));
    }

    [Fact]
    public async Task LoggingAfterDispose_WarnsAndCounts()
    {
        CloudWatchLoggerProvider provider = CreateProvider();
        ILogger logger = provider.CreateLogger("late");
        provider.Dispose();

        logger.LogInformation("too late");

        Assert.Equal(1, provider.Handler.Metrics.Dropped(DropReason.AfterShutdown));
        Assert.Contains(_warnings, w => w.Contains("Received message after logging system shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public void AddCloudWatch_BindsTheLoggingCloudWatchSection_ThenAppliesTheAction()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:CloudWatch:LogGroupName"] = "/from/config",
            ["Logging:CloudWatch:LogStreamName"] = "{machine_name}/{strftime:%Y-%m-%d}",
            ["Logging:CloudWatch:SendInterval"] = "00:00:05",
            ["Logging:CloudWatch:LogGroupRetentionDays"] = "14",
            ["Logging:CloudWatch:LogGroupTags:team"] = "payments",
            ["Logging:CloudWatch:Format"] = "Text",
            ["Logging:CloudWatch:QueueFullMode"] = "DropOldest",
            ["Logging:CloudWatch:MaxBatchCount"] = "500",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddCloudWatch(o => o.MaxBatchCount = 600));

        using ServiceProvider provider = services.BuildServiceProvider();
        CloudWatchLoggerOptions options = provider.GetRequiredService<IOptionsMonitor<CloudWatchLoggerOptions>>().CurrentValue;

        Assert.Equal("/from/config", options.LogGroupName);
        Assert.Equal("{machine_name}/{strftime:%Y-%m-%d}", options.LogStreamName);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SendInterval);
        Assert.Equal(14, options.LogGroupRetentionDays);
        Assert.Equal("payments", options.LogGroupTags["team"]);
        Assert.Equal(CloudWatchLogFormat.Text, options.Format);
        Assert.Equal(QueueFullMode.DropOldest, options.QueueFullMode);
        Assert.Equal(600, options.MaxBatchCount);
    }

    [Fact]
    public void AddCloudWatch_InvalidConfiguration_FailsAtStartupNamingEveryProblem()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:CloudWatch:LogGroupName"] = "has spaces",
            ["Logging:CloudWatch:LogGroupRetentionDays"] = "10",
            ["Logging:CloudWatch:LogStreamName"] = "{hostname}",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddCloudWatch());
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ILoggerFactory>());

        Assert.Contains("Logging:CloudWatch: LogGroupName 'has spaces'", error.Message, StringComparison.Ordinal);
        Assert.Contains("LogGroupRetentionDays 10", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown placeholder '{hostname}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCloudWatch_LogLevelFromItsSection_FiltersEvents()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:CloudWatch:LogLevel:Default"] = "Warning",
            ["Logging:CloudWatch:LogLevel:Noisy"] = "Error",
            ["Logging:LogLevel:Default"] = "Trace",
        }).Build();
        // The provider built by DI stamps events with the real clock; the fake must not find them "too new".
        _clock.SetUtcNow(DateTimeOffset.UtcNow);
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddCloudWatch(o =>
        {
            o.LogGroupName = Group;
            o.LogStreamName = "{logger_name}";
            o.Client = _client;
        }));
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            ILoggerFactory factory = provider.GetRequiredService<ILoggerFactory>();
            factory.CreateLogger("App").LogInformation("info: filtered");
            factory.CreateLogger("App").LogWarning("warning: shipped");
            factory.CreateLogger("Noisy").LogWarning("noisy warning: filtered");
            factory.CreateLogger("Noisy").LogError("noisy error: shipped");
        }

        Assert.Equal(
            ["noisy error: shipped", "warning: shipped"],
            _fake.AllMessages(Group).Select(m => JsonDocument.Parse(m).RootElement.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddCloudWatch_Twice_RegistersOneProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddCloudWatch().AddCloudWatch());

        Assert.Single(services, d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(CloudWatchLoggerProvider));
    }

    private sealed record Order(int Id, string Item);

    private sealed class Node
    {
        public Node? Next { get; set; }
    }

    private sealed class ThrowingGetter
    {
        public int Id => 1;

        public int Value => throw new InvalidOperationException("getter");

        public override string ToString() => "ThrowingGetter!";
    }

    private sealed class LoggingToString(ILogger logger)
    {
        private int _calls;

        public override string ToString()
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                logger.LogWarning("inner event {N}", 1);
            }

            return "chatty";
        }
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no");
    }
}
