namespace Watchtower.Samples;

/// <summary>
/// A Worker Service (the counterpart of watchtower's Django example, a long-running server) logging through
/// <c>AddCloudWatch()</c>, configured by appsettings.json with a ten-minute delivery deadline: the host's shutdown, on
/// SIGTERM (a container stopping), Ctrl-C, or the app's own request, delivers everything it logged.
/// </summary>
public static class WorkerSample
{
    public const int Orders = 500;

    public static async Task RunHostAsync(Uri endpoint, string? logGroupName, WorkerSettings settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.AddCloudWatch(options =>
        {
            options.ServiceUrl = endpoint.ToString(); // from the command line here; unset in production
            if (logGroupName is not null)
            {
                options.LogGroupName = logGroupName;
            }
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<OrderWorker>();
        using IHost host = builder.Build();
        await host.RunAsync(); // returns on SIGTERM, SIGINT or StopApplication, after stopping the worker
    }

    /// <summary>The sample on its own: runs the worker until it is done, stops the host, and reads the group back.</summary>
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output)
    {
        await RunHostAsync(endpoint, logGroupName: null, new WorkerSettings(Orders, output, StopWhenDone: true));
        return await SampleReadBack.PrintAsync(endpoint, "/watchtower/samples/worker", "orders-worker", Orders, output);
    }
}
