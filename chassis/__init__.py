"""The microservice chassis: what every ARS service and the gateway share."""
