using Amazon.Runtime;
using Serilog;

namespace Watchtower.Samples;

/// <summary>
/// A minimal API whose application and request logs go to CloudWatch through Serilog (<c>UseSerilog</c>, configured
/// from appsettings.json's <c>Serilog</c> section): it serves one request, stops (which delivers), and prints what
/// CloudWatch Logs holds.
/// </summary>
public static class SerilogAspNetCoreSample
{
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output, string? logGroupName = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // The endpoint and group come from the command line here; in production they are in appsettings.json or unset.
        builder.Configuration["Serilog:WriteTo:0:Args:serviceUrl"] = endpoint.ToString();
        if (logGroupName is not null)
        {
            builder.Configuration["Serilog:WriteTo:0:Args:logGroupName"] = logGroupName;
        }

        string group = builder.Configuration["Serilog:WriteTo:0:Args:logGroupName"]!;
        builder.Services.AddSerilog((services, configuration) => configuration.ReadFrom.Configuration(builder.Configuration));

        await using (WebApplication app = builder.Build())
        {
            app.UseSerilogRequestLogging();
            app.MapGet("/orders/{id:int}", (int id, ILogger<Order> logger) =>
            {
                logger.LogInformation("Order {OrderId} looked up by {Customer}", id, "Zoë");
                return new Order(id, "book");
            });
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            string body = await http.GetStringAsync(new Uri("/orders/42", UriKind.Relative));
            await output.WriteLineAsync($"GET /orders/42 -> {body}");
            await app.StopAsync();
        }

        // Disposing the app disposed Serilog's logger, and with it the sink: everything is delivered.
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions
        {
            ServiceUrl = endpoint.ToString(),
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials("demo-access-key", "demo-secret-key"),
        });
        int count = 0;
        await foreach (LogStream stream in client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = group }))
        {
            await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream.LogStreamName, StartFromHead = true }))
            {
                await output.WriteLineAsync($"{stream.LogStreamName}: {e.Message}");
                count++;
            }
        }

        await output.WriteLineAsync($"Read back {count} events from {group}.");
        return count >= 2 ? 0 : 1;
    }

    /// <summary>What the API returns.</summary>
    public sealed record Order(int Id, string Item);
}
