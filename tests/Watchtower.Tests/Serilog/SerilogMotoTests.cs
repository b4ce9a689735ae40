using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Context;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Serilog;

/// <summary>
/// Watchtower.Serilog end to end against moto_server, configured only from Serilog.Settings.Configuration JSON, with
/// the credentials in the environment as a deployed app has them (so these tests run apart, with a moto of their own).
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class SerilogMotoTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static EnvironmentScope Credentials() => EnvironmentScope.WithTestCredentials();

    [Fact]
    public async Task ConfiguredFromJson_ThousandStructuredEvents_ArriveInOrderWithTheirProperties_AndCloseAndFlushDeliversAll()
    {
        using EnvironmentScope environment = Credentials();
        using CloudWatchLogsClient client = moto.CreateClient();
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("serilog");
        string settings = folder.Write("appsettings.json", $$"""
            {
              "Serilog": {
                "Using": ["Watchtower.Serilog"],
                "MinimumLevel": "Debug",
                "Enrich": ["FromLogContext"],
                "Properties": { "Application": "orders" },
                "WriteTo": [{
                  "Name": "CloudWatch",
                  "Args": {
                    "logGroupName": "{{group}}",
                    "logStreamName": "svc-{logger_name}",
                    "serviceUrl": "{{moto.Endpoint}}",
                    "region": "us-east-1",
                    "sendInterval": "00:10:00",
                    "logGroupRetentionDays": 14
                  }
                }]
              }
            }
            """);
        IConfiguration configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();
        var logger = new LoggerConfiguration().ReadFrom.Configuration(configuration).CreateLogger();
        ILogger orders = logger.ForContext(global::Serilog.Core.Constants.SourceContextPropertyName, "Orders");

        for (int i = 0; i < 1000; i++)
        {
            using (LogContext.PushProperty("RequestId", $"req-{i}"))
            {
                orders.Information("Order {OrderId} of {@Order} placed", i, new { Item = "book", Quantity = i % 3 + 1 });
            }
        }

        orders.Error(new InvalidOperationException("card declined", new TimeoutException("gateway")), "Payment {OrderId} failed", 7);
        logger.Dispose(); // what Log.CloseAndFlush() does: delivers everything, with a 10-minute send interval

        List<JsonElement> events = await MotoFixture.JsonEventsAsync(client, group, "svc-Orders");
        Assert.Equal(1001, events.Count);
        for (int i = 0; i < 1000; i++)
        {
            JsonElement e = events[i];
            Assert.Equal($"Order {i} of {{ Item: \"book\", Quantity: {i % 3 + 1} }} placed", e.GetProperty("message").GetString());
            Assert.Equal("Order {OrderId} of {@Order} placed", e.GetProperty("messageTemplate").GetString());
            Assert.Equal("Information", e.GetProperty("level").GetString());
            Assert.Equal("Orders", e.GetProperty("category").GetString());
            JsonElement properties = e.GetProperty("properties");
            Assert.Equal(i, properties.GetProperty("OrderId").GetInt32());
            Assert.Equal(i % 3 + 1, properties.GetProperty("Order").GetProperty("Quantity").GetInt32());
            Assert.Equal("book", properties.GetProperty("Order").GetProperty("Item").GetString());
            Assert.Equal($"req-{i}", properties.GetProperty("RequestId").GetString());
            Assert.Equal("orders", properties.GetProperty("Application").GetString());
        }

        AdapterAssertions.CardDeclinedArrived(events[1000]);
        LogGroup described = Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }).ToListAsync());
        Assert.Equal(14, described.RetentionInDays);
    }

    [Fact]
    public void InvalidOptionInJson_FailsAtConfigurationTime_NamingIt()
    {
        using TempFolder folder = TempFolder.ForCaller();
        string settings = folder.Write("appsettings.json", """
            { "Serilog": { "Using": ["Watchtower.Serilog"], "WriteTo": [{ "Name": "CloudWatch", "Args": { "logGroupName": "bad group name!", "region": "us-east-1", "logGroupRetentionDays": 2 } }] } }
            """);
        IConfiguration configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();

        Exception thrown = Assert.ThrowsAny<Exception>(() => new LoggerConfiguration().ReadFrom.Configuration(configuration).CreateLogger());

        string message = (thrown.InnerException ?? thrown).Message;
        Assert.Contains("LogGroupName", message, StringComparison.Ordinal);
        Assert.Contains("LogGroupRetentionDays", message, StringComparison.Ordinal);
    }
}
