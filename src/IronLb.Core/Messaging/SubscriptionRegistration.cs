using Microsoft.Extensions.DependencyInjection;

namespace IronLb.Core.Messaging;

/// <summary>Declares topic subscriptions; both the in-process bus and the Dapr adapter serve what is declared here.</summary>
public static class SubscriptionRegistration
{
    /// <summary>Subscribes <typeparamref name="THandler"/> to <paramref name="topic"/>.</summary>
    public static IServiceCollection AddTopicSubscription<THandler>(this IServiceCollection services, string topic, string? deadLetterTopic = null)
        where THandler : class, ITopicHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        services.AddSingleton<THandler>();
        services.AddSingleton(new TopicSubscription(topic, typeof(THandler), deadLetterTopic));
        return services;
    }
}
