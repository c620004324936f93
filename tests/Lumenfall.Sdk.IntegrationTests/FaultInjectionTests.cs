using System.Net;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>Injected faults on reads over real HTTP (the billable calls are covered cell by cell in <see cref="FaultMatrixTests"/>).</summary>
public class FaultInjectionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private LumenfallEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task A_503_on_a_read_is_retried()
    {
        Emulator.Faults.Add(new EmulatorFault { Method = "GET", PathContains = "/lumenfall/openai/v1/models", StatusCode = HttpStatusCode.ServiceUnavailable, Body = "{}" });
        int before = Emulator.Requests.Count(r => r.Path == "/lumenfall/openai/v1/models");

        await fixture.Client().ListModelsAsync();

        Emulator.Requests.Count(r => r.Path == "/lumenfall/openai/v1/models").Should().Be(before + 2);
    }
}
