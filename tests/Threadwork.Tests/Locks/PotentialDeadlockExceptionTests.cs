using Threadwork.Locks;

namespace Threadwork.Tests.Locks;

public class PotentialDeadlockExceptionTests
{
    [Fact]
    public void The_standard_constructors_carry_no_report()
    {
        Assert.Null(new PotentialDeadlockException().Report);
        Assert.Equal("m", new PotentialDeadlockException("m").Message);
        var inner = new InvalidOperationException();
        Assert.Same(inner, new PotentialDeadlockException("m", inner).InnerException);
    }

    [Fact]
    public void A_validator_exception_carries_its_report_as_its_message()
    {
        var report = new LockReport(LockReportKind.PotentialDeadlock, "Potential deadlock: ...", ["a", "b", "a"], "t", null);
        var error = new PotentialDeadlockException(report);
        Assert.Same(report, error.Report);
        Assert.Equal(report.Message, error.Message);
    }
}
