// Recognition pages: people picker, award cards, celebrate.
