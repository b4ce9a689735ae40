using PublicApiGenerator;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.ApiApproval;

/// <summary>
/// The public surface is a promise: any change to it shows up here as a diff to approve. To approve,
/// copy the .received.txt file written beside the .approved.txt file over it.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Watchtower_PublicApi_MatchesApproved() =>
        AssertApproved(typeof(CloudWatchLogsClient).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            // Compiler-generated state machine names change with unrelated edits.
            ExcludeAttributes = ["System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute"],
        }), "Watchtower");

    [Fact]
    public void WatchtowerExtensionsLogging_PublicApi_MatchesApproved() =>
        AssertApproved(typeof(Watchtower.Extensions.Logging.CloudWatchLoggerProvider).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            ExcludeAttributes = ["System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute"],
            // AddCloudWatch lives in Microsoft.Extensions.Logging, as AddConsole does; the generator skips that namespace unless told.
            AllowNamespacePrefixes = ["Microsoft.Extensions.Logging"],
        }), "Watchtower.Extensions.Logging");

    [Fact]
    public void WatchtowerSerilog_PublicApi_MatchesApproved() =>
        AssertApproved(typeof(Watchtower.Serilog.CloudWatchSink).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            // WriteTo.CloudWatch lives in Serilog, as every sink's extension does.
            AllowNamespacePrefixes = ["Serilog"],
        }), "Watchtower.Serilog");

    [Fact]
    public void WatchtowerNLog_PublicApi_MatchesApproved() =>
        AssertApproved(typeof(Watchtower.NLog.CloudWatchTarget).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }), "Watchtower.NLog");

    [Fact]
    public void WatchtowerLog4Net_PublicApi_MatchesApproved() =>
        AssertApproved(typeof(Watchtower.Log4Net.CloudWatchAppender).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }), "Watchtower.Log4Net");

    private static void AssertApproved(string actual, string name)
    {
        // Not [CallerFilePath]: deterministic CI builds rewrite source paths.
        string folder = Path.Combine(RepositoryRoot.Path, "tests", "Watchtower.Tests", "ApiApproval");
        string approvedFile = Path.Combine(folder, name + ".approved.txt");
        string receivedFile = Path.Combine(folder, name + ".received.txt");
        string approved = File.Exists(approvedFile) ? File.ReadAllText(approvedFile) : string.Empty;
        string normalized = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (normalized == approved.Replace("\r\n", "\n", StringComparison.Ordinal))
        {
            File.Delete(receivedFile);
            return;
        }

        File.WriteAllText(receivedFile, normalized);
        Assert.Fail($"The public API of {name} changed. Review {receivedFile} and, if intended, copy it over {approvedFile}.");
    }
}
