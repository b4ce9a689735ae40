using System.Text;
using Watchtower.Shipping;

namespace Watchtower.Tests.Shipping;

public sealed class StreamNameTemplateTests
{
    private static readonly DateTimeOffset s_time = new(2026, 3, 7, 23, 5, 9, 42, TimeSpan.Zero);

    [Fact]
    public void Render_DefaultTemplate_IsMachineProgramLoggerProcess()
    {
        string name = StreamNameTemplate.Parse(CloudWatchLogHandlerOptions.DefaultLogStreamName).Render("Orders.Api", "worker", s_time);

        Assert.Equal($"{Environment.MachineName}/{StreamNameTemplate.ProgramName}/Orders.Api/{Environment.ProcessId}", name);
    }

    [Theory]
    [InlineData("{strftime:%Y-%m-%d}", "2026-03-07")]
    [InlineData("{strftime:%Y/%m/%d/%H}", "2026/03/07/23")]
    [InlineData("{strftime:%y%j-%a-%b-%p-%I}", "26066-Sat-Mar-PM-11")]
    [InlineData("{strftime:%H%M%S.%f}", "230509.042000")]
    [InlineData("{strftime:%G-W%V-%u}", "2026-W10-6")]
    [InlineData("{strftime:%U %W %w %%}", "09 09 6 %")]
    [InlineData("{utc:yyyy-MM-dd}", "2026-03-07")]
    [InlineData("{utc:yyyyMMdd'T'HH}", "20260307T23")]
    [InlineData("logs-{{literal}}-{logger_name}", "logs-{literal}-L")]
    [InlineData("{thread_name}", "worker")]
    public void Render_Placeholders(string template, string expected) =>
        Assert.Equal(expected, StreamNameTemplate.Parse(template).Render("L", "worker", s_time));

    [Fact]
    public void Render_TimeComesFromTheEventInUtc()
    {
        var template = StreamNameTemplate.Parse("{strftime:%Y-%m-%d}");
        var local = new DateTimeOffset(2026, 3, 8, 1, 0, 0, TimeSpan.FromHours(2)); // 23:00 UTC the day before

        Assert.Equal("2026-03-07", template.Render("L", "t", local));
    }

    [Fact]
    public void Render_ForbiddenCharacters_AreReplaced() =>
        Assert.Equal("a_b_c_", StreamNameTemplate.Parse("{logger_name}").Render("a:b*c:", "t", s_time));

    [Fact]
    public void Render_BareStrftimeWithColons_StillGivesAValidName() =>
        Assert.Equal("23_05_09", StreamNameTemplate.Parse("{strftime:%H:%M:%S}").Render("L", "t", s_time));

    [Fact]
    public void Render_LongName_IsCutTo512WithoutSplittingASurrogatePair()
    {
        string logger = new string('a', 511) + "😀" + "tail";

        string name = StreamNameTemplate.Parse("{logger_name}").Render(logger, "t", s_time);

        Assert.Equal(511, name.Length);
        Assert.Equal(new string('a', 511), name);
    }

    [Fact]
    public void Render_EmptyResult_GivesAPlaceholderName() =>
        Assert.Equal("_", StreamNameTemplate.Parse("{logger_name}").Render("", "t", s_time));

    [Theory]
    [InlineData("{hostname}", "unknown placeholder '{hostname}'")]
    [InlineData("{strftime}", "needs a format")]
    [InlineData("{strftime:%Q}", "unknown directive '%Q'")]
    [InlineData("{strftime:%Y%}", "lone '%'")]
    [InlineData("{logger_name:x}", "takes no format")]
    [InlineData("open {logger_name", "never closed")]
    [InlineData("close }", "closes nothing")]
    [InlineData("", "empty")]
    public void Parse_InvalidTemplate_FailsWithAMessageThatNamesTheProblem(string template, string expected)
    {
        Assert.False(StreamNameTemplate.TryParse(template, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void DependsOn_ReflectsThePlaceholders()
    {
        Assert.False(StreamNameTemplate.Parse(CloudWatchLogHandlerOptions.DefaultLogStreamName).DependsOnTime);
        Assert.True(StreamNameTemplate.Parse("{utc:yyyy}").DependsOnTime);
        Assert.True(StreamNameTemplate.Parse("{thread_name}").DependsOnThread);
    }

    [Fact]
    public void Sanitize_KeepsValidNamesUnchanged() =>
        Assert.Equal("app/web-1/#main", StreamNameTemplate.Sanitize(new StringBuilder("app/web-1/#main")));
}
