using TftpNano.Transfer;

namespace TftpNano.Tests.Transfer;

public class RetransmissionTimerTests
{
    [Fact]
    public void StartsAtTheInitialTimeoutAndAdaptsToTheMeasuredRoundTrip()
    {
        var timer = new RetransmissionTimer(1000, 10, 4000, seed: 1);
        Assert.Equal(1000, timer.TimeoutMs);
        Assert.Equal(-1, timer.SmoothedRttMs);

        for (int i = 0; i < 50; i++)
        {
            timer.AddSample(20);
        }

        Assert.Equal(20, timer.SmoothedRttMs);
        Assert.InRange(timer.TimeoutMs, 20, 25);
    }

    [Fact]
    public void FirstSampleGivesThreeTimesTheRoundTrip()
    {
        // RFC 6298: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR.
        var timer = new RetransmissionTimer(1000, 1, 60000, seed: 1);
        timer.AddSample(100);
        Assert.Equal(300, timer.TimeoutMs);
    }

    [Fact]
    public void RestartForgetsEarlierSamples()
    {
        var timer = new RetransmissionTimer(1000, 1, 60000, seed: 1);
        timer.AddSample(1000);
        Assert.Equal(3000, timer.TimeoutMs);
        timer.Restart(4);
        Assert.Equal(4, timer.SmoothedRttMs);
        Assert.Equal(12, timer.TimeoutMs);
    }

    [Fact]
    public void ResetBackOffReturnsToTheEstimate()
    {
        var timer = new RetransmissionTimer(1000, 1, 60000, seed: 1);
        timer.AddSample(10);
        timer.BackOff();
        timer.BackOff();
        Assert.Equal(120, timer.TimeoutMs);
        timer.ResetBackOff();
        Assert.Equal(30, timer.TimeoutMs);
    }

    [Fact]
    public void JitteryRoundTripsWidenTheTimeout()
    {
        var steady = new RetransmissionTimer(1000, 1, 60000, seed: 1);
        var jittery = new RetransmissionTimer(1000, 1, 60000, seed: 1);
        for (int i = 0; i < 40; i++)
        {
            steady.AddSample(50);
            jittery.AddSample(i % 2 == 0 ? 20 : 80);
        }

        Assert.InRange(jittery.SmoothedRttMs, steady.SmoothedRttMs - 5, steady.SmoothedRttMs + 5);
        Assert.True(jittery.TimeoutMs > steady.TimeoutMs + 50, $"{jittery.TimeoutMs} vs {steady.TimeoutMs}");
    }

    [Fact]
    public void FloorAndCeilingBoundTheTimeoutAndTheBackOff()
    {
        var timer = new RetransmissionTimer(1000, 10, 4000, seed: 1);
        timer.AddSample(0);
        Assert.Equal(10, timer.TimeoutMs);

        int[] expected = [20, 40, 80, 160, 320, 640, 1280, 2560, 4000, 4000];
        foreach (int timeout in expected)
        {
            timer.BackOff();
            Assert.Equal(timeout, timer.TimeoutMs);
        }

        timer.AddSample(1);
        Assert.Equal(10, timer.TimeoutMs);
    }

    [Fact]
    public void WaitsCarryASpreadOfUpToAQuarter()
    {
        var timer = new RetransmissionTimer(400, 10, 4000, seed: 42);
        int[] waits = Enumerable.Range(0, 200).Select(_ => timer.NextWaitMs()).ToArray();
        Assert.All(waits, w => Assert.InRange(w, 400, 500));
        Assert.True(waits.Distinct().Count() > 20, "the spread should vary");

        // Devices seeded differently do not retransmit in step.
        var first = new RetransmissionTimer(400, 10, 4000, seed: 1);
        var second = new RetransmissionTimer(400, 10, 4000, seed: 2);
        Assert.NotEqual(
            Enumerable.Range(0, 20).Select(_ => first.NextWaitMs()).ToArray(),
            Enumerable.Range(0, 20).Select(_ => second.NextWaitMs()).ToArray());
    }
}
