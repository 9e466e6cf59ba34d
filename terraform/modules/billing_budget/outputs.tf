output "id" {
  description = "ID of the budget (billingAccounts/ACCOUNT/budgets/BUDGET)."
  value       = google_billing_budget.budget.id
}

output "name" {
  description = "Resource name of the budget (billingAccounts/ACCOUNT/budgets/BUDGET), whose last part is the notifications' budgetId attribute."
  value       = google_billing_budget.budget.name
}
