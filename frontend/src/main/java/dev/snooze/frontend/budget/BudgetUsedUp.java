package dev.snooze.frontend.budget;

/** Why a held request is let go unforwarded: the budget is used up, so the wake it waits for will not come. */
public final class BudgetUsedUp extends RuntimeException {
  private final transient OverBudget overBudget;

  public BudgetUsedUp(OverBudget overBudget) {
    super(overBudget.reason(), null, false, false);
    this.overBudget = overBudget;
  }

  public OverBudget overBudget() {
    return overBudget;
  }
}
