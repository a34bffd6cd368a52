using Threadwork.Locks;

namespace Threadwork.Tests.Locks;

public class LockReportTests
{
    [Fact]
    public void A_report_reads_as_its_message()
    {
        var report = new LockReport(LockReportKind.LongWait, "Long wait: ...", ["l"], "w", "h");
        Assert.Equal("Long wait: ...", report.ToString());
    }
}
