"""The goals' addresses, added to tracker.urls (the ``tracker`` namespace)."""

from django.urls import path

from tracker import goal_views

urlpatterns = [
    # The patient's own goals.
    path("me/goals/", goal_views.goals, name="goals"),
    path("me/goals/week/", goal_views.goals_week, name="goals_week"),
    path("me/goals/<int:pk>/close/", goal_views.goal_close, name="goal_close"),
    # Staff, with the patient.
    path(
        "clinic/<slug:slug>/patients/<int:pk>/goals/",
        goal_views.staff_goals,
        name="staff_goals",
    ),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/goals/rate/",
        goal_views.staff_goals_rate,
        name="staff_goals_rate",
    ),
    path(
        "clinic/<slug:slug>/patients/<int:pk>/goals/<int:goal>/",
        goal_views.staff_goal_change,
        name="staff_goal_change",
    ),
]
