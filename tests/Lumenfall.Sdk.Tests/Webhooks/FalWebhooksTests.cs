namespace Lumenfall.Sdk.Tests.Webhooks;

/// <summary><see cref="FalWebhooks"/>: the process's inbox between a verified delivery and the operation waiting for it.</summary>
public class FalWebhooksTests
{
    [Fact]
    public async Task A_delivery_that_arrives_before_its_operation_waits_is_kept_for_it()
    {
        string id = Guid.NewGuid().ToString();
        FalWebhooks.Deliver(new FalWebhookDelivery(id, FalWebhookStatus.Error) { Error = "Invalid status code: 422" }).Should().BeFalse("nobody waits yet");

        using FalWebhooks.Waiter waiter = FalWebhooks.Wait(id);

        waiter.Delivered.IsCompletedSuccessfully.Should().BeTrue();
        (await waiter.Delivered).Error.Should().Be("Invalid status code: 422");
    }

    [Fact]
    public async Task A_waiting_operation_is_told_so()
    {
        string id = Guid.NewGuid().ToString();
        using FalWebhooks.Waiter waiter = FalWebhooks.Wait(id);

        bool waiting = FalWebhooks.Deliver(new FalWebhookDelivery(id, FalWebhookStatus.Ok));

        waiting.Should().BeTrue();
        (await waiter.Delivered).RequestId.Should().Be(id);
    }

    [Fact]
    public void An_operation_that_stops_waiting_leaves_nothing_behind()
    {
        string id = Guid.NewGuid().ToString();

        FalWebhooks.Wait(id).Dispose();
        using (FalWebhooks.Waiter first = FalWebhooks.Wait(id), second = FalWebhooks.Wait(id))
        {
            FalWebhooks.Held(id).Should().Be(1);
        }

        FalWebhooks.Held(id).Should().Be(0, "the last waiter took the slot with it");
    }
}
