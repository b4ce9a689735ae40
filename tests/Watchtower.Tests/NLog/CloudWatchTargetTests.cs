using System.Text.Json;
using NLog;
using Watchtower.NLog;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.NLog;

/// <summary>The NLog target against the strict in-process fake: how property values are written.</summary>
public sealed class CloudWatchTargetTests : IDisposable
{
    private const string Group = "/app/nlog";
    private readonly StrictCloudWatchFake _fake = new(TimeProvider.System);
    private readonly CloudWatchLogsClient _client;

    public CloudWatchTargetTests()
    {
        _client = HandlerHarness.CreateClient(_fake, TimeProvider.System);
    }

    public void Dispose()
    {
        _client.Dispose();
        _fake.Dispose();
    }

    [Fact]
    public void AHoleCapturedWithAt_IsWrittenAsAnObject_AndAPlainHole_AsItsString()
    {
        var factory = new global::NLog.LogFactory();
        var configuration = new global::NLog.Config.LoggingConfiguration(factory);
        configuration.AddRuleForAllLevels(new CloudWatchTarget { Name = "cw", Client = _client, LogGroupName = Group, LogStreamName = "orders" });
        factory.Configuration = configuration;

        var order = new Order(42, "book", ["gift-wrap"]);
        factory.GetLogger("Orders").Info("Placed {@Order} as {Summary} with {Count} items", order, order, 1);
        factory.Shutdown();

        JsonElement properties = JsonDocument.Parse(Assert.Single(_fake.Messages(Group, "orders"))).RootElement.GetProperty("properties");
        JsonElement structured = properties.GetProperty("Order");
        Assert.Equal(JsonValueKind.Object, structured.ValueKind);
        Assert.Equal(42, structured.GetProperty("Id").GetInt32());
        Assert.Equal("book", structured.GetProperty("Item").GetString());
        Assert.Equal("gift-wrap", structured.GetProperty("Options")[0].GetString());
        Assert.Equal("Order { Id = 42, Item = book, Options = System.String[] }", properties.GetProperty("Summary").GetString());
        Assert.Equal(1, properties.GetProperty("Count").GetInt32());
    }

    [Fact]
    public void AConverterOfTheUsersThatWritesSomethingElseThanJson_FallsBackToTheValuesString()
    {
        var factory = new global::NLog.LogFactory();
        factory.Setup().SetupSerialization(s => s.RegisterJsonConverter(new NotJson()));
        var configuration = new global::NLog.Config.LoggingConfiguration(factory);
        configuration.AddRuleForAllLevels(new CloudWatchTarget { Name = "cw", Client = _client, LogGroupName = Group, LogStreamName = "broken" });
        factory.Configuration = configuration;

        factory.GetLogger("Orders").Info("Placed {@Order}", new Order(7, "pen", []));
        factory.Shutdown();

        JsonElement properties = JsonDocument.Parse(Assert.Single(_fake.Messages(Group, "broken"))).RootElement.GetProperty("properties");
        Assert.Equal("Order { Id = 7, Item = pen, Options = System.String[] }", properties.GetProperty("Order").GetString());
    }

    public sealed record Order(int Id, string Item, string[] Options);

    /// <summary>A converter that says it serialized and wrote something that is not JSON.</summary>
    private sealed class NotJson : global::NLog.IJsonConverter
    {
        public bool SerializeObject(object? value, System.Text.StringBuilder builder)
        {
            builder.Append("{not json");
            return true;
        }
    }
}
