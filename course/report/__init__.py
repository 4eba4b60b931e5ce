"""The class report (``course report``): what a class's results say, as one HTML file and a terminal summary."""
