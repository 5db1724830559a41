from andiwali.cli import main

main()
