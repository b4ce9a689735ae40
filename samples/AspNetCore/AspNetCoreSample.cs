namespace Watchtower.Samples;

/// <summary>
/// A minimal API (the counterpart of watchtower's Flask example): its application logs and ASP.NET Core's request logs
/// go through <c>AddCloudWatch()</c> to a group named after the app, one stream per logger. It serves two requests,
/// stops (which delivers), and prints what CloudWatch Logs holds.
/// </summary>
public static class AspNetCoreSample
{
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        string group = $"/aspnetcore/{builder.Environment.ApplicationName}";
        builder.Logging.AddCloudWatch(options =>
        {
            options.LogGroupName = group;
            options.Region = "us-east-1";
            options.ServiceUrl = endpoint.ToString(); // from the command line here; unset in production
        });

        await using (WebApplication app = builder.Build())
        {
            app.MapGet("/orders/{id:int}", (int id, ILogger<Order> logger) =>
            {
                logger.LogInformation("Order {OrderId} looked up", id);
                return id > 100 ? Results.NotFound() : Results.Ok(new Order(id, "book"));
            });
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            foreach (string path in new[] { "/orders/42", "/orders/404" })
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri(path, UriKind.Relative));
                await output.WriteLineAsync($"GET {path} -> {(int)response.StatusCode}");
            }

            await app.StopAsync();
        }

        // Disposing the app disposed its logger provider: everything is delivered.
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions { ServiceUrl = endpoint.ToString(), Region = "us-east-1" });
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (LogStream stream in client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = group }))
        {
            await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream.LogStreamName, StartFromHead = true }))
            {
                await output.WriteLineAsync($"{stream.LogStreamName}: {e.Message}");
                counts[stream.LogStreamName] = counts.GetValueOrDefault(stream.LogStreamName) + 1;
            }
        }

        // Two application events (one per request) and ASP.NET Core's "Request starting" and "Request finished" for each.
        int application = counts.Where(c => c.Key.EndsWith("/Watchtower.Samples.AspNetCoreSample.Order", StringComparison.Ordinal)).Sum(c => c.Value);
        int requests = counts.Where(c => c.Key.EndsWith("/Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal)).Sum(c => c.Value);
        await output.WriteLineAsync($"Read back {counts.Values.Sum()} events from {group}: {application} application, {requests} request events.");
        return application == 2 && requests == 4 ? 0 : 1;
    }

    /// <summary>What the API returns.</summary>
    public sealed record Order(int Id, string Item);
}
