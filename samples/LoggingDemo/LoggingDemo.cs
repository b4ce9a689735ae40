using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watchtower.Samples;

/// <summary>
/// An application that logs through <c>AddCloudWatch()</c>, configured by appsettings.json (group, stream template,
/// retention, tags, format), then shuts down, which delivers what is queued, and prints what CloudWatch Logs holds.
/// </summary>
public static class LoggingDemo
{
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output, string? logGroupName = null, CancellationToken cancellationToken = default)
    {
        // A local emulator accepts any keys; against AWS, leave Client unset and the default credential chain is used.
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions
        {
            ServiceUrl = endpoint.ToString(),
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials("demo-access-key", "demo-secret-key"),
        });

        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddCloudWatch(options =>
        {
            options.Client = client;
            if (logGroupName is not null)
            {
                options.LogGroupName = logGroupName;
            }
        });
        string group = logGroupName ?? builder.Configuration["Logging:CloudWatch:LogGroupName"]!;

        string[] logged;
        using (IHost host = builder.Build())
        {
            ILogger logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders");
            using (logger.BeginScope("checkout {CheckoutId}", "c-1001"))
            {
                logger.LogInformation("Order {OrderId} placed by {Customer} for {Amount} EUR", 42, "Zoë Ångström", 99.5m);
                logger.LogWarning("Payment for order {OrderId} took {ElapsedMs} ms", 42, 2350);
                logger.LogError(new TimeoutException("the warehouse did not answer"), "Order {OrderId} could not be reserved", 42);
                logger.LogInformation("注文 {OrderId} を発送しました ✓", 42);
            }

            logged =
            [
                "Order 42 placed by Zoë Ångström for 99.5 EUR",
                "Payment for order 42 took 2350 ms",
                "Order 42 could not be reserved",
                "注文 42 を発送しました ✓",
            ];
            output.WriteLine($"Logged {logged.Length} events through ILogger; shutting the host down delivers them.");
        }

        var messages = new List<string>();
        await foreach (LogStream stream in client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = group }, cancellationToken))
        {
            output.WriteLine($"Stream '{stream.LogStreamName}':");
            await foreach (OutputLogEvent logEvent in client.EnumerateLogEventsAsync(
                new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream.LogStreamName, StartFromHead = true }, cancellationToken))
            {
                messages.Add(logEvent.Message);
                output.WriteLine("  " + logEvent.Message);
            }
        }

        LogGroup? described = null;
        await foreach (LogGroup candidate in client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }, cancellationToken))
        {
            described ??= candidate.LogGroupName == group ? candidate : null;
        }

        IReadOnlyDictionary<string, string> tags = described?.LogGroupArn is { } arn
            ? await client.ListTagsForResourceAsync(arn, cancellationToken)
            : new Dictionary<string, string>();
        output.WriteLine($"Group '{group}': retention {described?.RetentionInDays} days; tags: {string.Join(", ", tags.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"))}");

        bool allThere = logged.All(text => messages.Any(m => m.Contains($"\"message\":\"{text}\"", StringComparison.Ordinal)));
        output.WriteLine(allThere && messages.Count == logged.Length
            ? $"Read back all {logged.Length} events, in order."
            : $"MISMATCH: logged {logged.Length} events, read back {messages.Count}.");
        return allThere && messages.Count == logged.Length ? 0 : 1;
    }
}
